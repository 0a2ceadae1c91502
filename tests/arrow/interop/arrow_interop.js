// Arrow IPC interop between LLKV and the apache-arrow npm package.
//
//   node arrow_interop.js check PATH ROWS          read an IPC file or stream LLKV
//                                                  wrote and check every value
//   node arrow_interop.js write file|stream PATH ROWS
//                                                  write the same sample with
//                                                  apache-arrow for LLKV to read
//
// The sample is the one tests/sample_data.h builds (MakeSampleBatch with
// seed 0): one column per type, row i null when i % 7 == 3 (except i64).
// LLKV_NPM_DIR names the directory whose node_modules holds apache-arrow.
'use strict';
const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const npmDir = process.env.LLKV_NPM_DIR;
if (!npmDir) throw new Error('LLKV_NPM_DIR is not set');
const arrow = createRequire(path.join(npmDir, 'package.json'))('apache-arrow');

const COLUMNS = ['null', 'bool', 'i8', 'i16', 'i32', 'i64', 'u8', 'u16', 'u32', 'u64', 'f32',
  'f64', 'dec', 'utf8', 'large', 'bin', 'date', 'ts', 'ts_utc', 'ts_s', 'ts_ns', 'interval', 'struct', 'list',
  'map'];

const isNullRow = (name, i) => name === 'null' || (name !== 'i64' && i % 7 === 3);
const wrap = (v, bits, signed) => signed ? BigInt.asIntN(bits, BigInt(v)) : BigInt.asUintN(bits, BigInt(v));
const utf8Of = (i) => 'é' + String.fromCharCode(97 + (i % 26)).repeat(i % 13);
const binOf = (i) => Uint8Array.from({ length: i % 5 }, (_, j) => (i * 37 + j) & 0xff);
const hex = (bytes) => Buffer.from(bytes).toString('hex');
const structS = (i) => (i % 5 === 1 ? null : 's' + i);
const listOf = (i) => Array.from({ length: i % 4 }, (_, j) => BigInt(i * 10 + j));
// A MAP's entries: i % 3 of them, "kj" -> i + j (null for j = 1).
const mapOf = (i) => Array.from({ length: i % 3 }, (_, j) => ['k' + j, j === 1 ? null : i + j]);

// The canonical text of row i of column `name` (null for SQL NULL).
function expected(name, i) {
  if (isNullRow(name, i)) return null;
  switch (name) {
    case 'bool': return String(i % 3 === 0);
    case 'i8': return wrap(i % 200 - 100, 8, true).toString();
    case 'i16': return wrap(i * -7, 16, true).toString();
    case 'i32': case 'date': return wrap(i * 1000 - 5, 32, true).toString();
    case 'i64': case 'ts': case 'ts_utc': case 'ts_s': case 'ts_ns': return (BigInt(i) * 1000000007n - 3n).toString();
    case 'u8': return wrap(i, 8, false).toString();
    case 'u16': return wrap(i * 200, 16, false).toString();
    case 'u32': return wrap(BigInt(i) << 20n, 32, false).toString();
    case 'u64': return wrap(BigInt(i) << 50n, 64, false).toString();
    case 'f32': return String(Math.fround(i / 8));
    case 'f64': return String(i / 3);
    case 'dec': return (BigInt(i) * 123456789n - 5n).toString();
    case 'utf8': return utf8Of(i);
    case 'large': return 'large ' + i;
    case 'bin': return hex(binOf(i));
    case 'interval': return `${i},${-i},${i * 999}`;
    case 'struct': return `{${i},${structS(i)}}`;
    case 'list': return `[${listOf(i).join(',')}]`;
    case 'map': return `{${mapOf(i).map(([k, v]) => `${k}=${v}`).join(',')}}`;
  }
  throw new Error('unknown column ' + name);
}

// ---------------------------------------------------------------- check

function int128(words, at) {
  let v = 0n;
  for (let k = 3; k >= 0; --k) v = (v << 32n) | BigInt(words[at + k] >>> 0);
  return BigInt.asIntN(128, v);
}

// Canonical text of local row j of Data `d` (valid rows only).
function actual(name, d, j) {
  if (d.offset !== 0) throw new Error(`${name}: unexpected data offset ${d.offset}`);
  switch (name) {
    case 'bool': return String(((d.values[j >> 3] >> (j & 7)) & 1) === 1);
    case 'f32': case 'f64': return String(d.values[j]);
    case 'dec': return int128(d.values, 4 * j).toString();
    case 'utf8': case 'large':
      return Buffer.from(d.values.subarray(Number(d.valueOffsets[j]), Number(d.valueOffsets[j + 1]))).toString('utf8');
    case 'bin': return hex(d.values.subarray(d.valueOffsets[j], d.valueOffsets[j + 1]));
    case 'interval': {
      const w = d.values;
      const nanos = (BigInt(w[4 * j + 3]) << 32n) | BigInt(w[4 * j + 2] >>> 0);
      return `${w[4 * j]},${w[4 * j + 1]},${nanos}`;
    }
    case 'struct': {
      const [x, s] = d.children;
      const sv = s.getValid(j) ? actual('utf8', s, j) : null;
      return `{${x.values[j]},${sv}}`;
    }
    case 'list': {
      const child = d.children[0];
      const items = [];
      for (let k = d.valueOffsets[j]; k < d.valueOffsets[j + 1]; ++k) items.push(child.values[k]);
      return `[${items.join(',')}]`;
    }
    case 'map': {
      const [keys, values] = d.children[0].children;
      const entries = [];
      for (let k = d.valueOffsets[j]; k < d.valueOffsets[j + 1]; ++k) {
        entries.push(`${actual('utf8', keys, k)}=${values.getValid(k) ? values.values[k] : null}`);
      }
      return `{${entries.join(',')}}`;
    }
    default: return BigInt(d.values[j]).toString();
  }
}

const EXPECTED_TYPES = {
  null: 'Null', bool: 'Bool', i8: 'Int8', i16: 'Int16', i32: 'Int32', i64: 'Int64', u8: 'Uint8',
  u16: 'Uint16', u32: 'Uint32', u64: 'Uint64', f32: 'Float32', f64: 'Float64',
  dec: 'Decimal[20e+3]', utf8: 'Utf8', large: 'LargeUtf8', bin: 'Binary', date: 'Date32<DAY>',
  ts: 'Timestamp<MICROSECOND>', ts_utc: 'Timestamp<MICROSECOND, UTC>',
  ts_s: 'Timestamp<SECOND>', ts_ns: 'Timestamp<NANOSECOND, UTC>',
  interval: 'Interval<MONTH_DAY_NANO>', struct: 'Struct<{x:Int32, s:Utf8}>',
  list: 'List<Int64>', map: 'Map<{key:Utf8, value:Int32}>',
};

function check(file, rows) {
  const table = arrow.tableFromIPC(fs.readFileSync(file));
  const fail = (msg) => { throw new Error(`${file}: ${msg}`); };
  if (table.numRows !== rows) fail(`${table.numRows} rows, expected ${rows}`);
  const names = table.schema.fields.map((f) => f.name);
  if (names.join() !== COLUMNS.join()) fail(`columns ${names}`);
  if (table.schema.metadata.get('origin') !== 'llkv') fail('schema metadata lost');
  let checked = 0;
  for (const [c, name] of COLUMNS.entries()) {
    const field = table.schema.fields[c];
    if (String(field.type) !== EXPECTED_TYPES[name]) fail(`${name} has type ${field.type}`);
    if (field.nullable !== (name !== 'i64')) fail(`${name} nullability ${field.nullable}`);
    const vector = table.getChildAt(c);
    let i = 0;
    for (const d of vector.data) {
      for (let j = 0; j < d.length; ++j, ++i) {
        const want = expected(name, i);
        const got = name === 'null' || !d.getValid(j) ? null : actual(name, d, j);
        if (got !== want) fail(`${name} row ${i}: got ${got}, expected ${want}`);
        ++checked;
      }
    }
  }
  console.log(`apache-arrow read ${file}: ${rows} rows x ${COLUMNS.length} columns, ${checked} values match`);
}

// ---------------------------------------------------------------- write

function bitmap(n, valid) {
  const bits = new Uint8Array(Math.ceil(n / 8));
  let nulls = 0;
  for (let i = 0; i < n; ++i) {
    if (valid(i)) bits[i >> 3] |= 1 << (i & 7);
    else ++nulls;
  }
  return { nullBitmap: bits, nullCount: nulls };
}

function stringData(type, n, valid, bytesOf, OffsetArray) {
  const offsets = new OffsetArray(n + 1);
  const chunks = [];
  let total = 0;
  for (let i = 0; i < n; ++i) {
    if (valid(i)) {
      const b = bytesOf(i);
      chunks.push(b);
      total += b.length;
    }
    offsets[i + 1] = OffsetArray === BigInt64Array ? BigInt(total) : total;
  }
  const data = new Uint8Array(total);
  let at = 0;
  for (const b of chunks) { data.set(b, at); at += b.length; }
  return arrow.makeData({ type, length: n, ...bitmap(n, valid), valueOffsets: offsets, data });
}

function column(name, n) {
  const A = arrow;
  const valid = (i) => !isNullRow(name, i);
  const fixed = (type, Arr, f) => A.makeData({ type, length: n, ...bitmap(n, valid), data: Arr.from({ length: n }, (_, i) => (valid(i) ? f(i) : 0)) });
  const big = (type, Arr, f) => A.makeData({ type, length: n, ...bitmap(n, valid), data: Arr.from({ length: n }, (_, i) => (valid(i) ? f(i) : 0n)) });
  const utf8 = new TextEncoder();
  switch (name) {
    case 'null': return A.makeData({ type: new A.Null(), length: n, nullCount: n });
    case 'bool': {
      const bits = new Uint8Array(Math.ceil(n / 8));
      for (let i = 0; i < n; ++i) if (valid(i) && i % 3 === 0) bits[i >> 3] |= 1 << (i & 7);
      return A.makeData({ type: new A.Bool(), length: n, ...bitmap(n, valid), data: bits });
    }
    case 'i8': return fixed(new A.Int8(), Int8Array, (i) => i % 200 - 100);
    case 'i16': return fixed(new A.Int16(), Int16Array, (i) => i * -7);
    case 'i32': return fixed(new A.Int32(), Int32Array, (i) => i * 1000 - 5);
    case 'date': return fixed(new A.DateDay(), Int32Array, (i) => i * 1000 - 5);
    case 'i64': return big(new A.Int64(), BigInt64Array, (i) => BigInt(i) * 1000000007n - 3n);
    case 'ts': return big(new A.TimestampMicrosecond(), BigInt64Array, (i) => BigInt(i) * 1000000007n - 3n);
    case 'ts_utc': return big(new A.TimestampMicrosecond('UTC'), BigInt64Array, (i) => BigInt(i) * 1000000007n - 3n);
    case 'ts_s': return big(new A.TimestampSecond(), BigInt64Array, (i) => BigInt(i) * 1000000007n - 3n);
    case 'ts_ns': return big(new A.TimestampNanosecond('UTC'), BigInt64Array, (i) => BigInt(i) * 1000000007n - 3n);
    case 'u8': return fixed(new A.Uint8(), Uint8Array, (i) => i);
    case 'u16': return fixed(new A.Uint16(), Uint16Array, (i) => i * 200);
    case 'u32': return fixed(new A.Uint32(), Uint32Array, (i) => Number(wrap(BigInt(i) << 20n, 32, false)));
    case 'u64': return big(new A.Uint64(), BigUint64Array, (i) => wrap(BigInt(i) << 50n, 64, false));
    case 'f32': return fixed(new A.Float32(), Float32Array, (i) => i / 8);
    case 'f64': return fixed(new A.Float64(), Float64Array, (i) => i / 3);
    case 'dec': {
      const words = new Uint32Array(4 * n);
      for (let i = 0; i < n; ++i) {
        if (!valid(i)) continue;
        let v = BigInt.asUintN(128, BigInt(i) * 123456789n - 5n);
        for (let k = 0; k < 4; ++k) { words[4 * i + k] = Number(v & 0xffffffffn); v >>= 32n; }
      }
      return A.makeData({ type: new A.Decimal(3, 20, 128), length: n, ...bitmap(n, valid), data: words });
    }
    case 'utf8': return stringData(new A.Utf8(), n, valid, (i) => utf8.encode(utf8Of(i)), Int32Array);
    case 'large': return stringData(new A.LargeUtf8(), n, valid, (i) => utf8.encode('large ' + i), BigInt64Array);
    case 'bin': return stringData(new A.Binary(), n, valid, binOf, Int32Array);
    case 'interval': {
      const words = new Int32Array(4 * n);
      for (let i = 0; i < n; ++i) {
        if (!valid(i)) continue;
        const nanos = BigInt.asUintN(64, BigInt(i * 999));
        words[4 * i] = i;
        words[4 * i + 1] = -i;
        words[4 * i + 2] = Number(BigInt.asIntN(32, nanos & 0xffffffffn));
        words[4 * i + 3] = Number(BigInt.asIntN(32, nanos >> 32n));
      }
      return A.makeData({ type: new A.IntervalMonthDayNano(), length: n, ...bitmap(n, valid), data: words });
    }
    case 'struct': {
      const xValid = (i) => valid(i);
      const sValid = (i) => valid(i) && structS(i) !== null;
      const x = A.makeData({ type: new A.Int32(), length: n, ...bitmap(n, xValid), data: Int32Array.from({ length: n }, (_, i) => (xValid(i) ? i : 0)) });
      const s = stringData(new A.Utf8(), n, sValid, (i) => utf8.encode(structS(i)), Int32Array);
      const type = new A.Struct([new A.Field('x', new A.Int32(), true), new A.Field('s', new A.Utf8(), true)]);
      return A.makeData({ type, length: n, ...bitmap(n, valid), children: [x, s] });
    }
    case 'list': {
      const offsets = new Int32Array(n + 1);
      const items = [];
      for (let i = 0; i < n; ++i) {
        if (valid(i)) items.push(...listOf(i));
        offsets[i + 1] = items.length;
      }
      const child = A.makeData({ type: new A.Int64(), length: items.length, nullCount: 0, data: BigInt64Array.from(items) });
      const type = new A.List(new A.Field('item', new A.Int64(), true));
      return A.makeData({ type, length: n, ...bitmap(n, valid), valueOffsets: offsets, child });
    }
    case 'map': {
      const offsets = new Int32Array(n + 1);
      const entries = [];
      for (let i = 0; i < n; ++i) {
        if (valid(i)) entries.push(...mapOf(i));
        offsets[i + 1] = entries.length;
      }
      const m = entries.length;
      const keys = stringData(new A.Utf8(), m, () => true, (k) => utf8.encode(entries[k][0]), Int32Array);
      const values = A.makeData({ type: new A.Int32(), length: m, ...bitmap(m, (k) => entries[k][1] !== null), data: Int32Array.from(entries, (e) => e[1] ?? 0) });
      const entryType = new A.Struct([new A.Field('key', new A.Utf8(), false), new A.Field('value', new A.Int32(), true)]);
      const child = A.makeData({ type: entryType, length: m, nullCount: 0, children: [keys, values] });
      const type = new A.Map_(new A.Field('entries', entryType, false), false);
      return A.makeData({ type, length: n, ...bitmap(n, valid), valueOffsets: offsets, child });
    }
  }
  throw new Error('unknown column ' + name);
}

function write(format, file, rows) {
  const datas = COLUMNS.map((name) => column(name, rows));
  const fields = COLUMNS.map((name, c) => new arrow.Field(name, datas[c].type, name !== 'i64'));
  const schema = new arrow.Schema(fields, new Map([['origin', 'llkv']]));
  const structType = new arrow.Struct(fields);
  const batchData = arrow.makeData({ type: structType, length: rows, nullCount: 0, children: datas });
  const table = new arrow.Table([new arrow.RecordBatch(schema, batchData)]);
  fs.writeFileSync(file, arrow.tableToIPC(table, format));
  console.log(`apache-arrow wrote ${file} (${format}): ${rows} rows x ${COLUMNS.length} columns`);
}

const [cmd, ...args] = process.argv.slice(2);
try {
  if (cmd === 'check') check(args[0], Number(args[1]));
  else if (cmd === 'write') write(args[0], args[1], Number(args[2]));
  else throw new Error('usage: arrow_interop.js check PATH ROWS | write file|stream PATH ROWS');
} catch (e) {
  console.error(`arrow_interop: ${e.stack || e}`);
  process.exit(1);
}
