/**
 * Binary attachment framing.
 *
 * A binary WebSocket frame is: u32 LE attachment id, u32 LE flags, then payload bytes. An
 * attachment may span several frames (parts) with the same id; the last part has FLAG_FINAL.
 * Parts of an attachment are sent *before* the JSON message that references it, and WebSocket
 * keeps order, so the receiver has the whole attachment when the reference arrives. Each side
 * numbers the attachments it sends.
 */

export const ATTACHMENT_HEADER_BYTES = 8;
export const FLAG_FINAL = 1;

/** A reference to binary data carried beside the JSON message. */
export interface AttachmentRef {
  attachment: number;
}

export function encodeAttachmentFrame(id: number, payload: Uint8Array, final: boolean): Uint8Array {
  const frame = new Uint8Array(ATTACHMENT_HEADER_BYTES + payload.byteLength);
  const view = new DataView(frame.buffer);
  view.setUint32(0, id, true);
  view.setUint32(4, final ? FLAG_FINAL : 0, true);
  frame.set(payload, ATTACHMENT_HEADER_BYTES);
  return frame;
}

export interface AttachmentFrame {
  id: number;
  final: boolean;
  payload: Uint8Array;
}

export function decodeAttachmentFrame(frame: Uint8Array): AttachmentFrame {
  if (frame.byteLength < ATTACHMENT_HEADER_BYTES) throw new Error(`binary frame of ${frame.byteLength} bytes is shorter than the attachment header`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  return {
    id: view.getUint32(0, true),
    final: (view.getUint32(4, true) & FLAG_FINAL) !== 0,
    payload: frame.subarray(ATTACHMENT_HEADER_BYTES),
  };
}
