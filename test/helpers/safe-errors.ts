// Web Test Runner 0.20 serializes a failed assertion's `actual` / `expected`; when those are DOM
// nodes the walk never ends and the whole browser run hangs instead of reporting the failure.
// This root hook replaces nodes by a short description before results are collected.
function describeValue(value: unknown): unknown {
  if (value instanceof Element)
    return `<${value.localName}${[...value.attributes].map((a) => ` ${a.name}="${a.value}"`).join('')}>`;
  if (value instanceof Node) return `[${value.nodeName}]`;
  return value;
}

afterEach(function () {
  const error = this.currentTest?.err as { actual?: unknown; expected?: unknown } | undefined;
  if (!error) return;
  error.actual = describeValue(error.actual);
  error.expected = describeValue(error.expected);
});
