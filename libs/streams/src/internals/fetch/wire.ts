import { FetchError } from './errors';

/**
 * Sequential reader over a Buffer in Kafka's big-endian wire format. Reads advance `offset`; nothing is
 * allocated per field except the bigint of 64-bit reads and the Buffer views of bytes fields.
 */
export class Reader {
  offset: number;
  readonly end: number;

  constructor(
    readonly buffer: Buffer,
    offset = 0,
    end = buffer.length,
  ) {
    this.offset = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private need(bytes: number): void {
    if (this.offset + bytes > this.end) {
      throw new FetchError(`truncated data: ${bytes} bytes needed at ${this.offset}, ${this.end - this.offset} left`);
    }
  }

  int8(): number {
    this.need(1);
    return this.buffer.readInt8(this.offset++);
  }

  int16(): number {
    this.need(2);
    const value = this.buffer.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  int32(): number {
    this.need(4);
    const value = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  uint32(): number {
    this.need(4);
    const value = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  int64(): bigint {
    this.need(8);
    const value = this.buffer.readBigInt64BE(this.offset);
    this.offset += 8;
    return value;
  }

  /** A signed 64-bit integer as a JS number; throws when it is not a safe integer. */
  int64Number(): number {
    this.need(8);
    const high = this.buffer.readInt32BE(this.offset);
    const low = this.buffer.readUInt32BE(this.offset + 4);
    this.offset += 8;
    const value = high * 0x1_0000_0000 + low;
    if (!Number.isSafeInteger(value)) throw new FetchError(`64-bit value out of the safe integer range at ${this.offset - 8}`);
    return value;
  }

  skip(bytes: number): void {
    this.need(bytes);
    this.offset += bytes;
  }

  /** Unsigned LEB128 varint of up to 32 bits. */
  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.offset >= this.end) this.need(1);
      const byte = this.buffer[this.offset++];
      if (shift === 28) {
        if (byte > 0x0f) throw new FetchError(`varint too long at ${this.offset - 1}`);
        return result + byte * 0x1000_0000;
      }
      result |= (byte & 0x7f) << shift;
      if (byte < 0x80) return result >>> 0;
      shift += 7;
    }
  }

  /** Zigzag-encoded signed 32-bit varint. */
  varint(): number {
    const raw = this.uvarint();
    return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  }

  /** Zigzag-encoded signed 64-bit varint, as a number (exact up to 2^53). */
  varlong(): number {
    let result = 0;
    let multiplier = 1;
    for (let i = 0; i < 10; i++) {
      if (this.offset >= this.end) this.need(1);
      const byte = this.buffer[this.offset++];
      result += (byte & 0x7f) * multiplier;
      if (byte < 0x80) return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
      multiplier *= 128;
    }
    throw new FetchError(`varlong too long at ${this.offset}`);
  }

  /** Skips a varlong without decoding it. */
  skipVarint(): void {
    for (let i = 0; i < 10; i++) {
      if (this.offset >= this.end) this.need(1);
      if (this.buffer[this.offset++] < 0x80) return;
    }
    throw new FetchError(`varint too long at ${this.offset}`);
  }

  /** STRING (int16 length) that must not be null. */
  string(): string {
    const value = this.nullableString();
    if (value === null) throw new FetchError(`null string at ${this.offset - 2}`);
    return value;
  }

  /** NULLABLE_STRING: int16 length, -1 = null. */
  nullableString(): string | null {
    const length = this.int16();
    if (length < 0) return null;
    this.need(length);
    const value = this.buffer.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  /** NULLABLE_BYTES: int32 length, -1 = null; a view of the underlying buffer. */
  nullableBytes(): Buffer | null {
    const length = this.int32();
    return length < 0 ? null : this.view(length);
  }

  /** Bytes whose length is a zigzag varint (-1 = null), as in records and headers; a view, no copy. */
  varBytes(): Buffer | null {
    const length = this.varint();
    return length < 0 ? null : this.view(length);
  }

  /** String whose length is a zigzag varint, as header keys. */
  varString(): string {
    const length = this.varint();
    if (length < 0) throw new FetchError(`null header key at ${this.offset}`);
    this.need(length);
    const value = this.buffer.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  view(length: number): Buffer {
    this.need(length);
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
}

/** Growable big-endian writer for requests (and for the record batches the specs build). */
export class Writer {
  private buffer: Buffer;
  length = 0;

  constructor(initialSize = 256) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  private ensure(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(next, 0, 0, this.length);
    this.buffer = next;
  }

  int8(value: number): this {
    this.ensure(1);
    this.buffer.writeInt8(value, this.length);
    this.length += 1;
    return this;
  }

  int16(value: number): this {
    this.ensure(2);
    this.buffer.writeInt16BE(value, this.length);
    this.length += 2;
    return this;
  }

  int32(value: number): this {
    this.ensure(4);
    this.buffer.writeInt32BE(value, this.length);
    this.length += 4;
    return this;
  }

  uint32(value: number): this {
    this.ensure(4);
    this.buffer.writeUInt32BE(value, this.length);
    this.length += 4;
    return this;
  }

  int64(value: bigint | number): this {
    this.ensure(8);
    this.buffer.writeBigInt64BE(BigInt(value), this.length);
    this.length += 8;
    return this;
  }

  /** Overwrites an int32 written earlier (e.g. a length prefix). */
  int32At(position: number, value: number): this {
    this.buffer.writeInt32BE(value, position);
    return this;
  }

  uvarint(value: number): this {
    let rest = value;
    while (rest >= 0x80) {
      this.int8Raw((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    return this.int8Raw(rest);
  }

  /** Zigzag varint / varlong (safe integers). */
  varint(value: number): this {
    return this.uvarint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  string(value: string | null): this {
    if (value === null) return this.int16(-1);
    const length = Buffer.byteLength(value);
    this.int16(length);
    this.ensure(length);
    this.buffer.write(value, this.length, 'utf8');
    this.length += length;
    return this;
  }

  bytes(value: Buffer | null): this {
    if (value === null) return this.int32(-1);
    this.int32(value.length);
    return this.raw(value);
  }

  /** Varint-length bytes (-1 = null), as in records and headers. */
  varBytes(value: Buffer | string | null): this {
    if (value === null) return this.varint(-1);
    const data = typeof value === 'string' ? Buffer.from(value) : value;
    this.varint(data.length);
    return this.raw(data);
  }

  raw(value: Buffer): this {
    this.ensure(value.length);
    value.copy(this.buffer, this.length);
    this.length += value.length;
    return this;
  }

  /** The bytes written so far (a view; copy it if the writer is used further). */
  toBuffer(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  private int8Raw(byte: number): this {
    this.ensure(1);
    this.buffer[this.length++] = byte;
    return this;
  }
}
