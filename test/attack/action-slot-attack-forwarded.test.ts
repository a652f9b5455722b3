// Attack (a helper knowing only the README and SPEC): an action element inside a page's own
// component, which forwards an optional trigger with <slot>. Failed before the action elements
// read their slot flattened (15 failures in Chromium: the forwarded empty <slot> counted as the
// author's content, so no button was left to click); pass since.
import { expect, fixture } from '@open-wc/testing';
import type { LogOutActionElement } from '../../src/elements/log-out-action.js';
import '../../src/index.js';

const TAGS = ['log-out-action', 'log-in-action', 'sign-up-action', 'set-user-properties-action', 'request-password-reset-action'];
const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
const def = (el: Element) => el.shadowRoot!.querySelector('button[part="button"]') as HTMLButtonElement;
const shown = (el: Element) => {
  const b = def(el);
  return !!b && !b.hidden && b.checkVisibility({ checkVisibilityCSS: true } as never);
};

/** A page's own component per tag, `wrap-<tag>`: its shadow root holds the action and forwards its children to it. */
for (const tag of TAGS) {
  customElements.define(
    `wrap-${tag}`,
    class extends HTMLElement {
      constructor() {
        super();
        this.attachShadow({ mode: 'open' }).innerHTML = `<${tag}><slot></slot></${tag}>`;
      }
    },
  );
}

describe('attack: default button behind a forwarded <slot> (a wrapper component passing on an optional trigger)', () => {
  for (const tag of TAGS) {
    describe(tag, () => {
      it('forwarded <slot>: content forwarded then removed brings the default button back', async () => {
        const w = await fixture<HTMLElement>(`<wrap-${tag}></wrap-${tag}>`);
        const el = w.shadowRoot!.querySelector(tag) as LogOutActionElement;
        await el.updateComplete;
        await frame();
        const b = document.createElement('button');
        b.textContent = 'Mine';
        w.append(b);
        await frame();
        expect(shown(el), 'content forwarded').to.equal(false);
        b.remove();
        await frame();
        expect(shown(el), 'forwarded content removed').to.equal(true);
      });

      it('forwarded <slot> with nothing forwarded shows the default button', async () => {
        const w = await fixture<HTMLElement>(`<wrap-${tag}></wrap-${tag}>`);
        const el = w.shadowRoot!.querySelector(tag) as LogOutActionElement;
        await el.updateComplete;
        await frame();
        expect(shown(el), 'nothing forwarded').to.equal(true);
      });

      it('forwarded slot with only whitespace forwarded shows default', async () => {
        const w = await fixture<HTMLElement>(`<wrap-${tag}>   </wrap-${tag}>`);
        const el = w.shadowRoot!.querySelector(tag) as LogOutActionElement;
        await el.updateComplete;
        await frame();
        expect(shown(el)).to.equal(true);
      });
    });
  }
});
