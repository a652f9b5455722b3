// This tab: the core alone (no update-user, no sessions feature). Another tab (test/pages/other-tab.html,
// the whole kit) updates the user and revokes a session: this tab's <user-session> must still
// follow (`user-change`, `sessions-change` "on every <user-session> of the storage key, in this tab
// and in the other tabs", README), features or not.
import { expect } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import { features, key, recordEvents, sessionOn, sleep } from './split-attack-helpers.js';

type Tab = Window & { ready?: boolean; session: UserSessionElement };

describe('split attack: news from a tab with every feature, to a core-only tab', () => {
  let frame: HTMLIFrameElement | undefined;
  afterEach(() => frame?.remove());

  async function openTab(): Promise<Tab> {
    frame = document.createElement('iframe');
    frame.src = `/test/pages/other-tab.html?key=${encodeURIComponent(key)}`;
    document.body.append(frame);
    await waitUntil(() => (frame!.contentWindow as Tab | null)?.ready === true, 'other tab', { timeout: 8000 });
    return frame.contentWindow as Tab;
  }

  it("user-change from the other tab's updateUser() reaches this core-only tab", async () => {
    const tab = await openTab();
    const { session, backend } = await sessionOn();
    tab.session.backend = backend;
    await waitUntil(() => tab.session.authenticated, 'other tab signed in');
    const changes = recordEvents(session, ['user-change']);
    await tab.session.updateUser({ nickname: 'countess' });
    await waitUntil(() => changes.length > 0, 'user-change here', { timeout: 2000 }).catch(() => undefined);
    expect(features()).to.not.include('update-user');
    expect(session.user?.nickname, 'this tab shows the old user').to.equal('countess');
    expect(changes.length).to.equal(1);
  });

  it("sessions-change from the other tab's revokeSession() reaches this core-only tab", async () => {
    const tab = await openTab();
    const { session, backend } = await sessionOn();
    // Ada on a second device.
    await backend.logIn('ada', 'secret-pw', { signal: new AbortController().signal });
    tab.session.backend = backend;
    await waitUntil(() => tab.session.authenticated, 'other tab signed in');
    const news = recordEvents(session, ['sessions-change']);
    const list = await tab.session.listSessions();
    const other = list.find((s) => !s.current)!;
    await tab.session.revokeSession(other.id);
    await sleep(200);
    expect(features(), 'this page never used the sessions feature').to.not.include('sessions');
    expect(news.length, 'sessions-change missed in a tab without the sessions feature').to.equal(1);
  });
});
