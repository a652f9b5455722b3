// Own page: markup parsed before the tags are defined, then the kit is loaded by dynamic import.
import { expect } from '@open-wc/testing';

const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
const shown = (el: Element) => {
  const b = el.shadowRoot!.querySelector('button[part="button"]') as HTMLButtonElement;
  return !!b && !b.hidden && b.checkVisibility();
};
const TAGS = ['log-out-action', 'log-in-action', 'sign-up-action', 'set-user-properties-action', 'request-password-reset-action'];

describe('attack: content parsed before define (dynamic import)', () => {
  it('author content hides, whitespace/comment-only shows, in the first frame after define', async () => {
    const root = document.createElement('div');
    root.innerHTML = TAGS.map(
      (t) =>
        `<${t} class="c"><button type="button">Mine</button></${t}><${t} class="w">  <!-- c -->  </${t}><${t} class="e"></${t}><${t} class="t">Sign out</${t}>`,
    ).join('');
    document.body.append(root);
    await import('../../src/index.js');
    const all = [...root.children] as (HTMLElement & { updateComplete: Promise<unknown> })[];
    await Promise.all(all.map((e) => e.updateComplete));
    const wrong = () =>
      all.filter((e) => shown(e) !== (e.className === 'w' || e.className === 'e')).map((e) => `${e.localName}.${e.className}`);
    expect(wrong(), 'after updateComplete').to.deep.equal([]);
    await frame();
    expect(wrong(), 'after a frame').to.deep.equal([]);
    for (const e of all) e.replaceChildren();
    await frame();
    expect(
      all.filter((e) => !shown(e)).map((e) => `${e.localName}.${e.className}`),
      'emptied',
    ).to.deep.equal([]);
    root.remove();
  });
});
