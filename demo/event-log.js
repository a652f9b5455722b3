// The demo pages' event log: every event of every element, newest first, with its detail as JSON.

/** What two-step sign-in shows once, in its own element: the log names it and leaves it out. */
const shownOnce = new Set(['secret', 'uri', 'recoveryCodes']);

/** Event details as JSON: errors as { code, message } (plus status / serverCode when known). */
function detailJSON(detail) {
  const plain = JSON.parse(
    JSON.stringify(detail ?? null, (key, value) => {
      if (shownOnce.has(key)) return '(left out of the log: shown once, by the element)';
      if (!(value instanceof Error)) return value;
      const { code, message, status, serverCode } = /** @type {any} */ (value);
      return { code, message, status, serverCode }; // undefined ones are left out
    }),
  );
  return prettyJSON(plain);
}

/**
 * JSON.stringify(value, null, 2), but an object or array whose line fits in `width` columns
 * stays on that line. `column`: where the value starts on its line.
 */
function prettyJSON(value, indent = '', column = 0, width = 68) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const isArray = Array.isArray(value);
  const entries = isArray
    ? value.map((item) => ['', item])
    : Object.entries(value).map(([k, v]) => [`${JSON.stringify(k)}: `, v]);
  const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return open + close;
  const inline = `${open} ${entries.map(([key, item]) => key + prettyJSON(item, '', 0, Infinity)).join(', ')} ${close}`;
  if (column + inline.length <= width) return inline;
  const inner = `${indent}  `;
  const lines = entries.map(([key, item]) => inner + key + prettyJSON(item, inner, inner.length + key.length, width));
  return `${open}\n${lines.join(',\n')}\n${indent}${close}`;
}

const maxEntries = 200;
const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  fractionalSecondDigits: 3,
  hour12: false,
});

/**
 * Logs in `list` every event of `sources` (`[element, label, eventTypes]` each), with `empty`
 * shown while it has no entry and the `clear` button emptying it.
 */
export function createEventLog(list, empty, clear, sources) {
  clear.addEventListener('click', () => {
    list.replaceChildren();
    empty.hidden = false;
  });
  for (const [element, label, types] of sources) {
    for (const type of types) {
      element.addEventListener(type, (event) => {
        // `logged-in` & co. bubble: log them only where they were dispatched.
        if (event.target === element) logEvent(list, empty, label, event);
      });
    }
  }
}

function logEvent(list, empty, source, event) {
  const entry = document.createElement('li');
  entry.className = `entry entry-${event.type}`;

  const head = document.createElement('div');
  head.className = 'entry-head';
  const name = document.createElement('span');
  name.className = 'entry-type';
  name.textContent = event.type;
  const from = document.createElement('code');
  from.className = 'entry-source';
  from.textContent = source;
  const time = document.createElement('time');
  const now = new Date();
  time.dateTime = now.toISOString();
  time.textContent = timeFormat.format(now);
  head.append(name, from, time);

  const body = document.createElement('pre');
  body.className = 'entry-detail';
  body.textContent = detailJSON(event.detail);

  entry.append(head, body);
  list.prepend(entry);
  while (list.childElementCount > maxEntries) list.lastElementChild.remove();
  empty.hidden = true;
}
