#include "llkv/common/error.h"

namespace llkv {

std::string_view ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidInput:
      return "Invalid Input Error";
    case ErrorKind::kIO:
      return "IO Error";
    case ErrorKind::kCorruption:
      return "Corruption Error";
    case ErrorKind::kNotFound:
      return "Not Found Error";
    case ErrorKind::kOutOfRange:
      return "Out of Range Error";
    case ErrorKind::kFull:
      return "Storage Full Error";
    case ErrorKind::kInternal:
      return "Internal Error";
    case ErrorKind::kParser:
      return "Parser Error";
    case ErrorKind::kBinder:
      return "Binder Error";
    case ErrorKind::kCatalog:
      return "Catalog Error";
    case ErrorKind::kConversion:
      return "Conversion Error";
    case ErrorKind::kConstraint:
      return "Constraint Error";
    case ErrorKind::kTransaction:
      return "TransactionContext Error";
    case ErrorKind::kNotImplemented:
      return "Not implemented Error";
  }
  return "Error";
}

Error::Error(ErrorKind kind, std::string message)
    : std::runtime_error(fmt::format("{}: {}", ErrorKindName(kind), message)),
      kind_(kind),
      message_(std::move(message)) {}

}  // namespace llkv
