/**
 * RpcPeer: a JSON-RPC 2.0 MessageConnection (vscode-jsonrpc) over a Channel, plus attachments.
 * Both the gateway's sessions and the clients use it. Malformed text gets a JSON-RPC error reply
 * instead of silence; closing the channel rejects every pending request.
 */
import {
  AbstractMessageReader,
  AbstractMessageWriter,
  createMessageConnection,
  type DataCallback,
  type Disposable,
  type Message,
  type MessageConnection,
  type MessageReader,
  type MessageWriter,
} from 'vscode-jsonrpc/node';
import { ATTACHMENT_HEADER_BYTES, ErrorCodes, errorKind, FramegateError } from '../protocol';
import { AttachmentInbox, attachmentFrames, type InboxLimits, type TakenAttachment } from './attachments';
import { CloseCodes, type Channel } from './channel';

export interface RpcPeerOptions {
  /** Bound on attachment bytes held for this peer at once (assembling or waiting to be taken). */
  maxAttachmentBytes?: number;
  /** Attachments unused this long (no new part, or not taken) are dropped. */
  attachmentIdleMs?: number;
  /** Charges held attachment bytes to a budget shared with other peers. */
  reserve?: InboxLimits['reserve'];
  /** Told about messages we reject (malformed JSON, not JSON-RPC, oversize attachments). */
  onProtocolError?: (message: string) => void;
}

const DEFAULT_MAX_ATTACHMENT_BYTES = 1024 * 1024 * 1024;

/** Is this parsed JSON shaped like a JSON-RPC 2.0 request, notification or response? */
function isJsonRpcMessage(value: unknown): value is Message {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const m = value as Record<string, unknown>;
  if (m.jsonrpc !== '2.0') return false;
  if (typeof m.method === 'string') return m.id === undefined || typeof m.id === 'string' || typeof m.id === 'number';
  return 'id' in m && ('result' in m || 'error' in m);
}

function errorReply(id: unknown, code: number, message: string): string {
  const replyId = typeof id === 'string' || typeof id === 'number' ? id : null;
  return JSON.stringify({ jsonrpc: '2.0', id: replyId, error: { code, message, data: { kind: errorKind(code) } } });
}

class ChannelReader extends AbstractMessageReader implements MessageReader {
  private callback: DataCallback | undefined;
  private readonly early: Message[] = [];

  deliver(message: Message): void {
    if (this.callback) this.callback(message);
    else this.early.push(message);
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    for (const message of this.early.splice(0)) callback(message);
    return { dispose: () => (this.callback = undefined) };
  }

  close(): void {
    this.fireClose();
  }
}

class ChannelWriter extends AbstractMessageWriter implements MessageWriter {
  constructor(private readonly channel: Channel) {
    super();
  }

  async write(message: Message): Promise<void> {
    try {
      await this.channel.send(JSON.stringify(message));
    } catch (error) {
      this.fireError(error instanceof Error ? error : new Error(String(error)), message);
      throw error;
    }
  }

  end(): void {}
}

export class RpcPeer {
  readonly connection: MessageConnection;
  private readonly inbox: AttachmentInbox;
  private readonly reader = new ChannelReader();
  private nextAttachmentId = 1;
  private readonly closeListeners: Array<(code: number, reason: string) => void> = [];
  private readonly incomingWatchers = new Set<(bytes: number) => void>();
  private isClosed = false;
  private closeCode: number = CloseCodes.normal;
  private closeReason = '';

  constructor(
    private readonly channel: Channel,
    private readonly options: RpcPeerOptions = {},
  ) {
    this.inbox = new AttachmentInbox({
      maxHeldBytes: options.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES,
      ...(options.attachmentIdleMs ? { idleMs: options.attachmentIdleMs } : {}),
      ...(options.reserve ? { reserve: options.reserve } : {}),
      // A stream's reader that cannot keep up holds the sender back through the socket.
      onBacklog: (piling) => (piling ? channel.pause?.() : channel.resume?.()),
    });
    this.connection = createMessageConnection(this.reader, new ChannelWriter(channel));
    // Requests of other sessions wait for nobody: reply errors straight away rather than queueing.
    this.connection.onError(() => undefined);
    channel.onMessage((data) => (typeof data === 'string' ? this.receiveText(data) : this.receiveBinary(data)));
    channel.onClose((code, reason) => this.handleClose(code, reason));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Starts dispatching messages; call once, after registering handlers. */
  listen(): void {
    this.connection.listen();
  }

  /**
   * Sends data as an attachment and returns its id, to be put in the next message. It goes in
   * parts of at most `partBytes`, which must fit under the receiver's message cap.
   */
  async sendAttachment(data: Uint8Array | AsyncIterable<Uint8Array>, partBytes?: number, id = this.reserveAttachmentId()): Promise<number> {
    for await (const frame of attachmentFrames(id, data, partBytes)) await this.channel.send(frame);
    return id;
  }

  /**
   * Sends a JSON-RPC message already serialized, as it is: a notification serialized once for many
   * peers. It goes in order with everything else this peer sends.
   */
  sendPrepared(text: string): Promise<void> {
    return this.channel.send(text);
  }

  /** Bytes queued for the peer but not yet handed to the network. */
  get bufferedAmount(): number {
    return this.channel.bufferedAmount;
  }

  /** Resolves once everything sent so far has been handed to the network (or the connection closed). */
  flushed(): Promise<void> {
    return this.channel.flushed();
  }

  /**
   * Tells `listener` the attachment bytes received since this call, after each part that arrives
   * (an export's progress: its attachment arrives before the reply that names it).
   */
  watchIncoming(listener: (received: number) => void): Disposable {
    let received = 0;
    const watcher = (bytes: number) => listener((received += bytes));
    this.incomingWatchers.add(watcher);
    return { dispose: () => this.incomingWatchers.delete(watcher) };
  }

  /** The id the next attachment will be sent under, for announcing it first. */
  reserveAttachmentId(): number {
    return this.nextAttachmentId++;
  }

  /** Takes a finished attachment the peer sent. Throws FramegateError(BadAttachment). */
  takeAttachment(id: number): Uint8Array {
    return this.inbox.take(id);
  }

  /** Takes a finished attachment as the parts it came in, still charged to the budget until released. */
  takeAttachmentParts(id: number): TakenAttachment {
    return this.inbox.takeParts(id);
  }

  /** The parts of an attachment as they arrive (for readers that write them out, not hold them). */
  streamAttachment(id: number): AsyncIterable<Uint8Array> {
    return this.inbox.stream(id);
  }

  /** Ends a streamed attachment that will not finish (its request failed) with `error`. */
  failAttachment(id: number, error: Error): void {
    this.inbox.fail(id, error);
  }

  /** Called once the channel is closed, with the close code and reason (ours or the peer's). */
  onClose(listener: (code: number, reason: string) => void): void {
    if (this.isClosed) listener(this.closeCode, this.closeReason);
    else this.closeListeners.push(listener);
  }

  close(code: number = CloseCodes.normal, reason = ''): void {
    this.channel.close(code, reason);
    this.handleClose(code, reason);
  }

  private receiveText(text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      this.reject(null, ErrorCodes.ParseError, `Parse error: ${(error as Error).message}`);
      return;
    }
    if (!isJsonRpcMessage(parsed)) {
      const id = typeof parsed === 'object' && parsed !== null ? (parsed as { id?: unknown }).id : null;
      this.reject(id, ErrorCodes.InvalidRequest, 'Invalid Request: not a JSON-RPC 2.0 request, notification or response');
      return;
    }
    this.reader.deliver(parsed);
  }

  private receiveBinary(frame: Uint8Array): void {
    try {
      this.inbox.receive(frame);
      for (const watcher of this.incomingWatchers) watcher(Math.max(0, frame.byteLength - ATTACHMENT_HEADER_BYTES));
    } catch (error) {
      const message = (error as Error).message;
      this.options.onProtocolError?.(message);
      this.close(error instanceof FramegateError && error.code === ErrorCodes.TooLarge ? CloseCodes.tooLarge : CloseCodes.protocolError, message.slice(0, 120));
    }
  }

  private reject(id: unknown, code: number, message: string): void {
    this.options.onProtocolError?.(message);
    this.channel.send(errorReply(id, code, message)).catch(() => undefined);
  }

  private handleClose(code: number, reason: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.closeCode = code;
    this.closeReason = reason;
    this.reader.close();
    this.inbox.close(reason ? `the connection closed (${reason})` : 'the connection closed');
    // dispose() is what rejects the requests still waiting for an answer.
    this.connection.dispose();
    for (const listener of this.closeListeners.splice(0)) listener(code, reason);
  }
}
