#!/usr/bin/env node
// `npm run docs`: the README's API reference, generated from custom-elements.json (which
// `npm run manifest` writes from the JSDoc in src/). It replaces what lies between
// `<!-- api:start -->` and `<!-- api:end -->` in README.md; the prose around the markers is
// hand-written and left alone.
//
//   node scripts/api-docs.mjs           rewrite README.md
//   node scripts/api-docs.mjs --check   exit 1 (and say which element and section differ) when
//                                       README.md is out of step with the manifest, 0 otherwise
//
// Exit 2: bad arguments, or custom-elements.json / README.md cannot be read.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifestPath = join(root, 'custom-elements.json');
const readmePath = join(root, 'README.md');
const startMarker = '<!-- api:start -->';
const endMarker = '<!-- api:end -->';
const fix = 'run npm run docs (after npm run manifest if the JSDoc in src/ changed) and commit README.md';

/** Elements in reading order: the session first, then its actions. Tags not listed follow, by name. */
const tagOrder = [
  'user-session',
  'log-out-action',
  'log-in-action',
  'sign-up-action',
  'set-user-properties-action',
  'session-list',
];

// ---------------------------------------------------------------------------------------------
// Markdown helpers.

/** One table cell: a single line, `|` escaped so it does not end the cell. */
const cell = (text) =>
  String(text ?? '')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();

/** Inline code; a double backtick fence when the text holds a backtick. */
const code = (text) => (String(text).includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);

const table = (headers, rows) => [
  `| ${headers.join(' | ')} |`,
  `| ${headers.map(() => '---').join(' | ')} |`,
  ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`.replace(/ {2,}\|/g, ' |')),
];

/** A labelled table, or nothing when there are no rows. */
const section = (label, headers, rows) => (rows.length ? ['', `**${label}**`, '', ...table(headers, rows)] : []);

// ---------------------------------------------------------------------------------------------
// Rendering one element.

const isPublic = (member) =>
  !member.static && !member.name.startsWith('#') && member.privacy !== 'private' && member.privacy !== 'protected';

const deprecated = (item) =>
  item.deprecated ? `**Deprecated**${typeof item.deprecated === 'string' ? `: ${item.deprecated}` : ''}. ` : '';

const describe = (item) => `${deprecated(item)}${item.description ?? ''}`;

const typeOf = (item) => (item.type?.text ? code(item.type.text) : '');
const defaultOf = (value) => (value === undefined ? '' : code(value));

function parameter(param) {
  const name = `${param.rest ? '...' : ''}${param.name}${param.optional && param.default === undefined ? '?' : ''}`;
  const type = param.type?.text ? `: ${param.type.text}` : '';
  const fallback = param.default === undefined ? '' : ` = ${param.default}`;
  return `${name}${type}${fallback}`;
}

function methodRow(method) {
  const params = method.parameters ?? [];
  const returns = method.return?.type?.text ? `: ${method.return.type.text}` : '';
  const notes = [
    ...params.filter((p) => p.description).map((p) => `\`${p.name}\`: ${p.description}`),
    ...(method.return?.description ? [`Returns ${method.return.description}`] : []),
  ];
  return [
    code(`${method.name}(${params.map(parameter).join(', ')})${returns}`),
    [describe(method), ...notes].filter(Boolean).join(' '),
  ];
}

/** `CustomEvent<LoggedInDetail>` → `LoggedInDetail`; any other event type as written. */
function detailOf(event) {
  const text = event.type?.text;
  if (!text) return '';
  const match = /^CustomEvent<(.+)>$/s.exec(text.trim());
  return code(match ? match[1] : text);
}

function renderElement(decl) {
  const members = decl.members ?? [];
  const field = (name) => members.find((m) => m.kind === 'field' && m.name === name);

  const attributes = (decl.attributes ?? []).map((attr) => {
    const name =
      attr.fieldName && attr.fieldName !== attr.name ? `${code(attr.name)} / ${code(attr.fieldName)}` : code(attr.name);
    // A linked field's initializer is the value the element starts with (the attribute entry can
    // hold the name of a constant instead, such as `defaultTimeout`).
    const linked = attr.fieldName ? field(attr.fieldName) : undefined;
    return [name, typeOf(attr), defaultOf(linked?.default ?? attr.default), describe(attr)];
  });

  const properties = members
    .filter((m) => m.kind === 'field' && isPublic(m))
    .map((m) => [`${code(m.name)}${m.readonly ? ' (read-only)' : ''}`, typeOf(m), defaultOf(m.default), describe(m)]);

  const methods = members.filter((m) => m.kind === 'method' && isPublic(m)).map(methodRow);

  const events = (decl.events ?? []).filter((e) => e.name).map((e) => [code(e.name), detailOf(e), describe(e)]);

  const slots = (decl.slots ?? []).map((s) => [s.name ? code(s.name) : '(default)', describe(s)]);
  const parts = (decl.cssParts ?? []).map((p) => [code(p.name), describe(p)]);
  const states = (decl.cssStates ?? []).map((s) => [code(s.name), describe(s)]);
  const cssProperties = (decl.cssProperties ?? []).map((p) => [
    code(p.name),
    p.syntax ? code(p.syntax) : '',
    defaultOf(p.default),
    describe(p),
  ]);

  return [
    `### ${code(`<${decl.tagName}>`)} — ${code(decl.name)}`,
    ...(decl.summary ? ['', decl.summary.trim()] : []),
    ...(decl.description ? ['', `${deprecated(decl)}${decl.description.trim()}`] : []),
    ...section('Attributes', ['attribute / property', 'type', 'default', 'description'], attributes),
    ...section('Properties', ['property', 'type', 'default', 'description'], properties),
    ...section('Methods', ['method', 'description'], methods),
    ...section('Events', ['event', 'detail', 'description'], events),
    ...section('Slots', ['slot', 'description'], slots),
    ...section('CSS parts', ['part', 'description'], parts),
    ...section('CSS states', ['state', 'description'], states),
    ...section('CSS custom properties', ['property', 'syntax', 'default', 'description'], cssProperties),
  ];
}

function render(manifest) {
  const rank = (tag) => (tagOrder.includes(tag) ? tagOrder.indexOf(tag) : tagOrder.length);
  const elements = manifest.modules
    .flatMap((mod) => mod.declarations ?? [])
    .filter((decl) => decl.tagName)
    .sort((a, b) => rank(a.tagName) - rank(b.tagName) || (a.tagName < b.tagName ? -1 : a.tagName > b.tagName ? 1 : 0));
  return [
    '<!-- Generated by scripts/api-docs.mjs from custom-elements.json: edit the JSDoc in src/, then run npm run manifest && npm run docs. -->',
    ...elements.flatMap((decl) => ['', ...renderElement(decl)]),
    // A blank line before the end marker, so no Markdown block runs into it.
    '',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// --check: which element and section differ.

/** Splits a generated block into `<tag> › section` → lines. */
function sections(block) {
  const result = new Map();
  let element = '(before the first element)';
  let key = element;
  for (const line of block.split('\n')) {
    if (line.startsWith('### ')) {
      element = /`(<[^>`]+>)`/.exec(line)?.[1] ?? line.slice(4);
      key = `${element} › heading and description`;
    } else if (/^\*\*[^*]+\*\*$/.test(line)) {
      key = `${element} › ${line.slice(2, -2)}`;
    }
    if (!result.has(key)) result.set(key, []);
    result.get(key).push(line);
  }
  return result;
}

const clip = (line) => (line === undefined ? '(nothing)' : `"${line.length > 140 ? `${line.slice(0, 140)}…` : line}"`);

function differences(actual, expected) {
  const have = sections(actual);
  const want = sections(expected);
  const report = [];
  for (const key of new Set([...want.keys(), ...have.keys()])) {
    const a = have.get(key);
    const b = want.get(key);
    if (!a) report.push(`  ${key}: missing from README.md`);
    else if (!b) report.push(`  ${key}: in README.md but not in the manifest`);
    else if (a.join('\n') !== b.join('\n')) {
      const i = b.findIndex((line, n) => line !== a[n]);
      const at = i === -1 ? a.length - 1 : i;
      report.push(`  ${key}: differs`, `    README.md: ${clip(a[at])}`, `    expected:  ${clip(b[at])}`);
    }
  }
  if (!report.length) report.push('  blank lines around the generated block differ');
  return report;
}

// ---------------------------------------------------------------------------------------------

const args = process.argv.slice(2);
const check = args.includes('--check');
if (args.some((arg) => arg !== '--check')) {
  console.error('usage: node scripts/api-docs.mjs [--check]');
  process.exit(2);
}

let manifest;
let readme;
try {
  manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  readme = readFileSync(readmePath, 'utf8');
} catch (error) {
  console.error(`api-docs: ${error.message} (custom-elements.json comes from npm run manifest)`);
  process.exit(2);
}

const start = readme.indexOf(startMarker);
const end = readme.indexOf(endMarker);
if (start === -1 || end < start || readme.indexOf(startMarker, start + 1) !== -1 || readme.indexOf(endMarker, end + 1) !== -1) {
  console.error(
    `api-docs: README.md needs exactly one ${startMarker} … ${endMarker} pair, in that order, around the API reference.`,
  );
  process.exit(1);
}

const current = readme.slice(start + startMarker.length, end);
const generated = `\n${render(manifest)}`;

if (check) {
  if (current === generated) process.exit(0);
  console.error('README.md: the API reference is out of step with custom-elements.json:');
  for (const line of differences(current, generated)) console.error(line);
  console.error(`To fix it, ${fix}.`);
  process.exit(1);
}

if (current === generated) {
  console.log('README.md: API reference already up to date.');
} else {
  writeFileSync(readmePath, readme.slice(0, start + startMarker.length) + generated + readme.slice(end));
  console.log('README.md: API reference regenerated from custom-elements.json.');
}
