// Attack (a helper knowing only the README and SPEC) on the action elements' default button and
// their slot: content added, removed, moved across documents, whitespace and comments, keyboard,
// busy state, missing or removed sessions. All held; kept as coverage.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { LogOutActionElement } from '../../src/elements/log-out-action.js';
import { RecordingBackend } from '../helpers/recording-backend.js';
import { clearStorage, recordEvents, sessionWithAction, signIn, storageKey, uncaught } from '../helpers/fixtures.js';

const TAGS = ['log-out-action', 'log-in-action', 'sign-up-action', 'set-user-properties-action', 'request-password-reset-action'];
const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
const def = (el: Element) => el.shadowRoot!.querySelector('button[part="button"]') as HTMLButtonElement;
const shown = (el: Element) => {
  const b = def(el);
  return !!b && !b.hidden && b.checkVisibility({ checkVisibilityCSS: true } as never);
};

describe('attack: default button show/hide', () => {
  beforeEach(clearStorage);

  for (const tag of TAGS) {
    describe(tag, () => {
      it('content removed after connect brings the default button back', async () => {
        const root = await fixture<HTMLDivElement>(`<div><${tag}><button type="button">Mine</button></${tag}></div>`);
        const el = root.firstElementChild as LogOutActionElement;
        await el.updateComplete;
        await frame();
        expect(shown(el), 'hidden with content').to.equal(false);
        el.querySelector('button')!.remove();
        await frame();
        expect(shown(el), 'back without content').to.equal(true);
      });

      it('content removed while disconnected: default button shown after reconnect', async () => {
        const root = await fixture<HTMLDivElement>(`<div><${tag}><button type="button">Mine</button></${tag}></div>`);
        const el = root.firstElementChild as LogOutActionElement;
        await el.updateComplete;
        await frame();
        el.remove();
        el.replaceChildren();
        await frame();
        root.append(el);
        await el.updateComplete;
        await frame();
        expect(shown(el)).to.equal(true);
      });

      it('content added while disconnected: default button hidden after reconnect', async () => {
        const root = await fixture<HTMLDivElement>(`<div><${tag}></${tag}></div>`);
        const el = root.firstElementChild as LogOutActionElement;
        await el.updateComplete;
        await frame();
        el.remove();
        el.append(document.createElement('button'));
        await frame();
        root.append(el);
        await el.updateComplete;
        await frame();
        expect(shown(el)).to.equal(false);
      });

      it('hidden attribute on the host hides it', async () => {
        const el = await fixture<HTMLElement>(`<${tag} hidden></${tag}>`);
        await frame();
        expect(getComputedStyle(el).display).to.equal('none');
        expect(shown(el)).to.equal(false);
      });

      it('whitespace and comments only: default shown; a comment added later keeps it', async () => {
        const el = await fixture<HTMLElement>(`<${tag}>  \n <!-- note -->  </${tag}>`);
        await frame();
        expect(shown(el)).to.equal(true);
        el.append(document.createComment('x'), document.createTextNode('\n  '));
        await frame();
        expect(shown(el)).to.equal(true);
      });

      it('content with slot="other" (not assigned to the default slot) keeps default shown', async () => {
        const el = await fixture<HTMLElement>(`<${tag}><span slot="nope">x</span></${tag}>`);
        await frame();
        expect(shown(el)).to.equal(true);
      });

      it('author ::part(button) display style does not un-hide the default button next to author content', async () => {
        const style = document.createElement('style');
        style.textContent = `${tag}::part(button) { display: inline-block; }`;
        document.head.append(style);
        try {
          const el = await fixture<HTMLElement>(`<${tag}><button type="button">Mine</button></${tag}>`);
          await frame();
          expect(shown(el)).to.equal(false);
        } finally {
          style.remove();
        }
      });

      it('template content imported/adopted into the document', async () => {
        const t = document.createElement('template');
        t.innerHTML = `<${tag}><button type="button">Mine</button></${tag}><${tag}></${tag}>`;
        const root = await fixture<HTMLDivElement>('<div></div>');
        root.append(document.importNode(t.content, true));
        const [a, b] = [...root.children] as LogOutActionElement[];
        await a.updateComplete;
        await b.updateComplete;
        await frame();
        expect(shown(a), 'with content').to.equal(false);
        expect(shown(b), 'empty').to.equal(true);
        const t2 = document.createElement('template');
        t2.innerHTML = `<${tag}><button type="button">Mine</button></${tag}>`;
        const adopted = document.adoptNode(t2.content.firstElementChild!) as LogOutActionElement;
        root.append(adopted);
        await adopted.updateComplete;
        await frame();
        expect(shown(adopted), 'adopted with content').to.equal(false);
        adopted.replaceChildren();
        await frame();
        expect(shown(adopted), 'adopted, emptied').to.equal(true);
      });

      it('moved to an iframe document and back keeps tracking content', async () => {
        const iframe = document.createElement('iframe');
        document.body.append(iframe);
        try {
          const el = document.createElement(tag) as LogOutActionElement;
          el.append(document.createElement('button'));
          document.body.append(el);
          await el.updateComplete;
          await frame();
          expect(shown(el), 'content').to.equal(false);
          iframe.contentDocument!.body.append(iframe.contentDocument!.adoptNode(el));
          el.replaceChildren();
          await frame();
          document.body.append(document.adoptNode(el));
          await frame();
          expect(shown(el), 'emptied while in iframe').to.equal(true);
          el.append(document.createElement('button'));
          await frame();
          expect(shown(el), 'content again').to.equal(false);
          el.remove();
        } finally {
          iframe.remove();
        }
      });
    });
  }

  it('many elements at once: 300 with content hidden, 300 empty shown', async () => {
    const root = await fixture<HTMLDivElement>('<div></div>');
    const withContent: HTMLElement[] = [];
    const empty: HTMLElement[] = [];
    for (let i = 0; i < 300; i++) {
      const a = document.createElement(TAGS[i % TAGS.length]!);
      a.append(document.createElement('button'));
      withContent.push(a);
      empty.push(document.createElement(TAGS[i % TAGS.length]!));
    }
    root.append(...withContent, ...empty);
    await frame();
    await frame();
    expect(withContent.filter(shown).length).to.equal(0);
    expect(empty.filter((e) => !shown(e)).length).to.equal(0);
    for (const a of withContent) a.replaceChildren();
    await frame();
    expect(withContent.filter((e) => !shown(e)).length).to.equal(0);
  });
});

describe('attack: keyboard and busy', () => {
  beforeEach(clearStorage);

  it('Space on the default button runs exactly once and keeps focus while busy', async () => {
    const { session, action, backend } = await sessionWithAction();
    await signIn(session);
    const results = recordEvents(action, ['success', 'failure']);
    const gate = backend.hold('logOut');
    const button = def(action);
    button.focus();
    await sendKeys({ type: ' ' });
    await frame();
    expect(action.busy).to.equal(true);
    expect(document.activeElement).to.equal(action);
    expect(action.shadowRoot!.activeElement).to.equal(button);
    expect(button.getAttribute('aria-disabled')).to.equal('true');
    await sendKeys({ type: ' ' });
    await sendKeys({ press: 'Enter' });
    gate.resolve();
    await oneEvent(action, results.length ? 'noop' : 'success').catch(() => {});
    await frame();
    expect(results.map((e) => e.type)).to.deep.equal(['success']);
    expect(backend.count('logOut')).to.equal(1);
    expect(action.shadowRoot!.activeElement).to.equal(button);
    expect(button.hasAttribute('aria-disabled')).to.equal(false);
  });

  it('Tab reaches the default button; with author content it does not (only the author button)', async () => {
    const root = await fixture<HTMLDivElement>(
      html`<div>
        <input id="before" />
        <log-out-action id="a"></log-out-action>
        <log-out-action id="b"><button type="button" id="mine">Mine</button></log-out-action>
        <input id="after" />
      </div>`,
    );
    await frame();
    const a = root.querySelector('#a') as LogOutActionElement;
    (root.querySelector('#before') as HTMLInputElement).focus();
    await sendKeys({ press: 'Tab' });
    expect(document.activeElement).to.equal(a);
    expect(a.shadowRoot!.activeElement).to.equal(def(a));
    await sendKeys({ press: 'Tab' });
    expect(document.activeElement!.id).to.equal('mine');
    await sendKeys({ press: 'Tab' });
    expect(document.activeElement!.id).to.equal('after');
  });

  it('label changed while busy updates text, keeps aria-disabled; author button never gets aria-disabled', async () => {
    const { session, action, backend } = await sessionWithAction();
    await signIn(session);
    const gate = backend.hold('logOut');
    const run = action.do();
    await action.updateComplete;
    action.label = 'Bye';
    await action.updateComplete;
    const b = def(action);
    expect(b.textContent!.trim()).to.equal('Bye');
    expect(b.getAttribute('aria-disabled')).to.equal('true');
    expect(action.getAttribute('aria-busy')).to.equal('true');
    gate.resolve();
    expect(await run).to.equal(true);
    await action.updateComplete;
    expect(b.hasAttribute('aria-disabled')).to.equal(false);
    expect(action.hasAttribute('busy')).to.equal(false);
    action.label = null;
    await action.updateComplete;
    expect(b.textContent!.trim()).to.equal('Log out');
  });

  it('author content appended while busy hides default; removed while busy shows it, still aria-disabled', async () => {
    const { session, action, backend } = await sessionWithAction();
    await signIn(session);
    const gate = backend.hold('logOut');
    const run = action.do();
    const mine = document.createElement('button');
    action.append(mine);
    await frame();
    expect(shown(action)).to.equal(false);
    expect(mine.hasAttribute('aria-disabled')).to.equal(false);
    mine.remove();
    await frame();
    expect(shown(action)).to.equal(true);
    expect(def(action).getAttribute('aria-disabled')).to.equal('true');
    gate.resolve();
    await run;
  });
});

describe('attack: runs', () => {
  beforeEach(clearStorage);

  it('do() twice and a click during a run: one request, one event, same result', async () => {
    const { session, action, backend } = await sessionWithAction();
    await signIn(session);
    const results = recordEvents(action, ['success', 'failure']);
    const gate = backend.hold('logOut');
    const p1 = action.do();
    const p2 = action.do();
    def(action).click();
    gate.resolve();
    expect(await Promise.all([p1, p2])).to.deep.equal([true, true]);
    await frame();
    expect(results.length).to.equal(1);
    expect(backend.count('logOut')).to.equal(1);
  });

  for (const tag of TAGS) {
    it(`${tag} with no <user-session>: failure no-session, no uncaught`, async () => {
      const el = await fixture<LogOutActionElement>(`<${tag}></${tag}>`);
      const results = recordEvents(el, ['success', 'failure']);
      const ok = await el.do();
      expect(ok).to.equal(false);
      expect(results.map((e) => e.type)).to.deep.equal(['failure']);
      expect(results[0]!.detail.error.code).to.equal('no-session');
      expect(el.error).to.be.a('string').and.not.equal('');
      def(el).click();
      await frame();
      await frame();
      expect(uncaught).to.deep.equal([]);
    });
  }

  it('session removed from the page mid-run: settles, no uncaught, clear result', async () => {
    const { session, action, backend } = await sessionWithAction();
    await signIn(session);
    const results = recordEvents(action, ['success', 'failure']);
    const gate = backend.hold('logOut');
    const run = action.do();
    session.remove();
    gate.resolve();
    const ok = await run;
    await frame();
    expect(results.length).to.equal(1);
    expect(results[0]!.type).to.equal(ok ? 'success' : 'failure');
    expect(action.busy).to.equal(false);
    expect(uncaught).to.deep.equal([]);
  });

  it('session removed before run (action kept, detached): no-session failure', async () => {
    const { session, action } = await sessionWithAction();
    await signIn(session);
    document.body.append(action);
    session.remove();
    const results = recordEvents(action, ['success', 'failure']);
    expect(await action.do()).to.equal(false);
    expect(results[0]!.detail.error.code).to.equal('no-session');
    action.remove();
  });

  it('bad attribute values: scope garbage, session id pointing nowhere', async () => {
    const backend = new RecordingBackend();
    const s = await fixture<HTMLElement>(
      html`<user-session .backend=${backend} storage-key=${storageKey}>
        <log-out-action session="nope"></log-out-action
      ></user-session>`,
    );
    await (s as never as { logIn(a: string, b: string): Promise<unknown> }).logIn('ada', 'secret-pw');
    const a = s.querySelector('log-out-action') as LogOutActionElement;
    const r = recordEvents(a, ['failure']);
    expect(await a.do()).to.equal(false);
    expect(r[0]!.detail.error.code).to.equal('no-session');
  });
});
