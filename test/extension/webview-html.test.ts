import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentSecurityPolicy, renderWebviewHtml } from '../../extension/webview-html';
import { DomIds } from '../../webview/dom-ids';

const base = { cspSource: 'https://file+.vscode-resource.vscode-cdn.net', scriptUri: 'https://x/dist/webview.js', styleUri: 'https://x/dist/webview.css' };

function csp(html: string): string {
  const match = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
  assert.ok(match, 'the page has a CSP meta tag');
  return match[1]!;
}

test('the CSP allows only our nonce for scripts and nothing by default', () => {
  const html = renderWebviewHtml(base);
  const policy = csp(html);
  const nonce = /script-src 'nonce-([A-Za-z0-9_-]{16,})'/.exec(policy)?.[1];
  assert.ok(nonce, policy);
  assert.match(policy, /^default-src 'none'/);
  assert.ok(!policy.includes('unsafe-eval') && !policy.includes("'unsafe-inline'"), policy);
  assert.ok(policy.includes(`style-src ${base.cspSource} 'nonce-${nonce}'`), policy);
  // Every script tag carries the nonce; there is no inline script.
  const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1);
  assert.ok(scripts[0]![1]!.includes(`nonce="${nonce}"`) && scripts[0]![1]!.includes(`src="${base.scriptUri}"`));
  assert.equal(scripts[0]![2], '');
  assert.ok(html.includes(`href="${base.styleUri}"`));
  assert.ok(!/style="/.test(html), 'no inline style attributes');
});

test('each render gets a fresh nonce', () => {
  const nonces = new Set(Array.from({ length: 20 }, () => /'nonce-([^']+)'/.exec(csp(renderWebviewHtml(base)))![1]));
  assert.equal(nonces.size, 20);
});

test('the page is a static skeleton: the same for every source, with the stable DOM ids', () => {
  const a = renderWebviewHtml({ ...base, nonce: 'n1' });
  assert.equal(a, renderWebviewHtml({ ...base, nonce: 'n1' }));
  assert.equal(contentSecurityPolicy(base.cspSource, 'n1'), csp(a));
  for (const id of Object.values(DomIds)) assert.ok(a.includes(`id="${id}"`), id);
});

test('URIs are escaped into attributes', () => {
  const html = renderWebviewHtml({ ...base, scriptUri: 'https://x/"><script>alert(1)</script>' });
  assert.ok(!html.includes('<script>alert(1)'));
  assert.ok(html.includes('&quot;&gt;&lt;script&gt;'));
});
