#include "execution/delimited.h"

#include <cerrno>
#include <cstring>

#include "llkv/common/error.h"

namespace llkv::execution {

DelimitedReader::DelimitedReader(std::string path, DelimitedOptions options)
    : path_(std::move(path)), options_(std::move(options)), buffer_(1 << 20) {
  file_ = std::fopen(path_.c_str(), "rb");
  if (!file_) Fail(ErrorKind::kIO, "cannot open file \"{}\": {}", path_, std::strerror(errno));
}

DelimitedReader::~DelimitedReader() {
  if (file_) std::fclose(file_);
}

void DelimitedReader::Refill() {
  end_ = std::fread(buffer_.data(), 1, buffer_.size(), file_);
  pos_ = 0;
  if (end_ == 0 && std::ferror(file_)) {
    Fail(ErrorKind::kIO, "cannot read file \"{}\": {}", path_, std::strerror(errno));
  }
}

int DelimitedReader::Get() {
  if (pos_ == end_) {
    Refill();
    if (end_ == 0) return EOF;
  }
  return static_cast<unsigned char>(buffer_[pos_++]);
}

bool DelimitedReader::Next(std::vector<Field>* fields) {
  struct Span {
    size_t begin, end;
    bool quoted;
  };
  std::vector<Span> spans;
  text_.clear();
  int c = Get();
  if (c == EOF) return false;
  record_line_ = line_;
  const int delimiter = static_cast<unsigned char>(options_.delimiter);
  const int quote = static_cast<unsigned char>(options_.quote);
  const int escape = static_cast<unsigned char>(options_.escape);
  for (;;) {
    // One field, starting at c.
    Span span{text_.size(), 0, false};
    if (c == quote) {
      span.quoted = true;
      for (;;) {
        c = Get();
        if (c == EOF) {
          Fail(ErrorKind::kInvalidInput,
               "{}:{}: a quoted field is not closed before the end of the file", path_,
               record_line_);
        }
        if (c == '\n') ++line_;
        if (c == escape && escape != quote) {
          const int next = Get();
          if (next == EOF) continue;
          text_.push_back(static_cast<char>(next));
          continue;
        }
        if (c == quote) {
          const int next = Get();
          if (next == quote) {  // a doubled quote
            text_.push_back(static_cast<char>(quote));
            continue;
          }
          c = next;
          break;
        }
        text_.push_back(static_cast<char>(c));
      }
      if (c != delimiter && c != '\n' && c != '\r' && c != EOF) {
        Fail(ErrorKind::kInvalidInput, "{}:{}: unexpected character '{}' after a closing quote",
             path_, line_, static_cast<char>(c));
      }
    } else {
      while (c != delimiter && c != '\n' && c != '\r' && c != EOF) {
        text_.push_back(static_cast<char>(c));
        c = Get();
      }
    }
    span.end = text_.size();
    spans.push_back(span);
    if (c == delimiter) {
      c = Get();
      if (c == EOF || c == '\n' || c == '\r') {
        spans.push_back({text_.size(), text_.size(), false});  // an empty last field
      } else {
        continue;
      }
    }
    // End of the record: \n, \r\n, a lone \r, or the end of the file.
    if (c == '\r') {
      const int next = Get();
      if (next != '\n' && next != EOF) --pos_;  // a lone \r: keep the next byte
    }
    if (c != EOF) ++line_;
    break;
  }
  fields->clear();
  for (const Span& s : spans) {
    Field f;
    f.text = std::string_view(text_).substr(s.begin, s.end - s.begin);
    f.null = !s.quoted && f.text == options_.null_string;
    fields->push_back(f);
  }
  return true;
}

DelimitedWriter::DelimitedWriter(std::string path, DelimitedOptions options)
    : path_(std::move(path)), options_(std::move(options)) {
  file_ = std::fopen(path_.c_str(), "wb");
  if (!file_) {
    Fail(ErrorKind::kIO, "cannot create file \"{}\": {}", path_, std::strerror(errno));
  }
}

DelimitedWriter::~DelimitedWriter() {
  if (file_) std::fclose(file_);
}

void DelimitedWriter::Write(const std::vector<const std::string*>& fields) {
  line_.clear();
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line_.push_back(options_.delimiter);
    if (!fields[i]) {
      line_ += options_.null_string;
      continue;
    }
    const std::string& v = *fields[i];
    const bool must_quote = v.find_first_of(std::string{options_.delimiter, options_.quote, '\n',
                                                        '\r'}) != std::string::npos ||
                            v == options_.null_string;
    if (!must_quote) {
      line_ += v;
      continue;
    }
    line_.push_back(options_.quote);
    for (char ch : v) {
      if (ch == options_.quote || (ch == options_.escape && options_.escape != options_.quote)) {
        line_.push_back(options_.escape);
      }
      line_.push_back(ch);
    }
    line_.push_back(options_.quote);
  }
  line_.push_back('\n');
  if (std::fwrite(line_.data(), 1, line_.size(), file_) != line_.size()) {
    Fail(ErrorKind::kIO, "cannot write file \"{}\": {}", path_, std::strerror(errno));
  }
}

void DelimitedWriter::Close() {
  std::FILE* f = file_;
  file_ = nullptr;
  if (std::fclose(f) != 0) {
    Fail(ErrorKind::kIO, "cannot write file \"{}\": {}", path_, std::strerror(errno));
  }
}

}  // namespace llkv::execution
