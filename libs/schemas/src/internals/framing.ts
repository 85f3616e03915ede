/**
 * Confluent wire format: magic byte 0, schema id as 4-byte big-endian unsigned int, then the Avro body.
 */
export const MAGIC_BYTE = 0;
export const HEADER_LENGTH = 5;

export interface Frame {
  schemaId: number;
  payload: Buffer;
}

export function encodeFrame(schemaId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_LENGTH);
  header.writeUInt8(MAGIC_BYTE, 0);
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, payload]);
}

/** Returns a string explaining why the buffer is not a frame, or the frame. */
export function decodeFrame(data: Buffer): Frame | string {
  if (data.length < HEADER_LENGTH) return `${data.length} bytes is shorter than the 5-byte Confluent header`;
  if (data.readUInt8(0) !== MAGIC_BYTE) return `magic byte is ${data.readUInt8(0)}, expected ${MAGIC_BYTE}`;
  return { schemaId: data.readUInt32BE(1), payload: data.subarray(HEADER_LENGTH) };
}
