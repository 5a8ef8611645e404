/** Hover and go-to-definition on a frame named in FROM/JOIN, from `frames/schema` (access-checked by the gateway). */
import type { Hover, Location } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { Methods, statementAt, tableMentionAt, type FrameInfo, type TableMention } from '../protocol';
import type { GatewayClient } from '../rpc/client';

/** The URI a frame's definition points at; the extension opens the frame's preview for it. */
export const FRAME_URI_SCHEME = 'framegate-frame';
const HOVER_COLUMNS = 40;

/** The frame mention under `offset`, with its place in the document. */
export function mentionAt(document: TextDocument, offset: number): { mention: TableMention; start: number; end: number } | undefined {
  const text = document.getText();
  const statement = statementAt(text, offset);
  if (!statement) return undefined;
  const mention = tableMentionAt(text.slice(statement.start, statement.end), offset - statement.start);
  return mention && { mention, start: statement.start + mention.start, end: statement.start + mention.end };
}

function frameText(mention: TableMention): string {
  return `${mention.parts.join('.')}${mention.version ? `@${mention.version}` : ''}`;
}

/** The frame a mention names, or undefined when the caller cannot read it (or it is a CTE). */
async function schemaOf(client: GatewayClient, mention: TableMention): Promise<FrameInfo | undefined> {
  if (mention.parts.length > 2) return undefined;
  try {
    return await client.request(Methods.schema, { name: frameText(mention) });
  } catch {
    return undefined;
  }
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

export function hoverMarkdown(frame: FrameInfo): string {
  const rows = `${frame.rowCount.toLocaleString('en-US')} ${frame.rowCount === 1 ? 'row' : 'rows'}`;
  const sharing = frame.sharedBy
    ? `shared with you by ${frame.sharedBy}`
    : frame.published
      ? 'shared with the team'
      : frame.grants?.length
        ? `shared with ${frame.grants.map((g) => (g.to.kind === 'team' ? 'the team' : g.to.name)).join(', ')}`
        : 'private';
  const lines = [
    `**${escapeMarkdown(frame.name)}** · ${rows} · version ${frame.version}`,
    '',
    `owner ${escapeMarkdown(frame.owner)} · saved by ${escapeMarkdown(frame.author)} ${frame.createdAt.slice(0, 10)} · ${escapeMarkdown(sharing)}`,
    '',
    '| column | type |',
    '| --- | --- |',
    ...frame.columns.slice(0, HOVER_COLUMNS).map((c) => `| ${escapeMarkdown(c.name)} | ${escapeMarkdown(c.type)} |`),
  ];
  if (frame.columns.length > HOVER_COLUMNS) lines.push('', `and ${frame.columns.length - HOVER_COLUMNS} more columns`);
  return lines.join('\n');
}

export async function hover(client: GatewayClient | undefined, document: TextDocument, offset: number): Promise<Hover | null> {
  const found = client && mentionAt(document, offset);
  if (!client || !found) return null;
  const frame = await schemaOf(client, found.mention);
  if (!frame) return null;
  return { contents: { kind: 'markdown', value: hoverMarkdown(frame) }, range: { start: document.positionAt(found.start), end: document.positionAt(found.end) } };
}

export async function definition(client: GatewayClient | undefined, document: TextDocument, offset: number): Promise<Location | null> {
  const found = client && mentionAt(document, offset);
  if (!client || !found) return null;
  const frame = await schemaOf(client, found.mention);
  if (!frame) return null;
  const name = found.mention.version ? `${frame.name}@${found.mention.version}` : frame.name;
  return { uri: `${FRAME_URI_SCHEME}:${encodeURIComponent(name)}`, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
}
