// The page the tests drive (test/frameworks): the README's <app-account> (account.component.ts),
// plus a harness that sets every property from Angular and counts each event its listeners receive.
import { Component, CUSTOM_ELEMENTS_SCHEMA, signal } from '@angular/core';
import type { SignInFailureDetail } from 'user-session-elements';
import { AccountComponent } from './account.component';
import { backend } from './backend';

const names = [
  'logged-in',
  'logged-out',
  'static success',
  'log-in success',
  'log-in failure',
  'sign-up success',
  'sign-up failure',
  'log-out success',
  'log-out failure',
] as const;
type Name = (typeof names)[number];

@Component({
  selector: 'app-root',
  imports: [AccountComponent],
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <main>
      <button id="rerender" (click)="renders.set(renders() + 1)">Re-render ({{ renders() }})</button>
      <button id="toggle" (click)="shown.set(!shown())">{{ shown() ? 'Unmount' : 'Mount' }}</button>
      @if (shown()) {
        <app-account [backend]="backend" />
      }
      <section id="harness">
        <user-session
          id="harness-session"
          #session
          [backend]="backend"
          (logged-in)="count('logged-in')"
          (logged-out)="count('logged-out')"
        ></user-session>
        @if (shown()) {
          <log-in-action
            id="h-static"
            label="Sign in (static)"
            [username]="'ada'"
            [password]="'lovelace'"
            [sessionElement]="session"
            (success)="count('static success')"
            (failure)="failed('log-in failure', $event)"
          ></log-in-action>
          <input
            id="h-username"
            [value]="username()"
            (input)="username.set(valueOf($event))"
            aria-label="Username (properties)"
          />
          <input
            id="h-password"
            type="password"
            [value]="password()"
            (input)="password.set(valueOf($event))"
            aria-label="Password (properties)"
          />
          <log-in-action
            id="h-log-in"
            label="Sign in (properties)"
            [username]="username()"
            [password]="password()"
            [sessionElement]="session"
            (success)="count('log-in success')"
            (failure)="failed('log-in failure', $event)"
          ></log-in-action>
          <sign-up-action
            id="h-sign-up"
            label="Sign up (properties)"
            [username]="username()"
            [password]="password()"
            [fields]="{ plan: 'pro', team: { name: 'engines' } }"
            [sessionElement]="session"
            (success)="count('sign-up success')"
            (failure)="failed('sign-up failure', $event)"
          ></sign-up-action>
          <log-out-action
            id="h-log-out"
            scope="local"
            [sessionElement]="session"
            (success)="count('log-out success')"
            (failure)="failed('log-out failure', $event)"
          >
            <button type="button">Sign out here</button>
          </log-out-action>
        }
        <output id="counts">{{ countsJson() }}</output>
        <output id="last-error">{{ lastError() }}</output>
      </section>
    </main>
  `,
})
export class AppComponent {
  readonly backend = backend;
  readonly shown = signal(true);
  readonly renders = signal(0);
  readonly username = signal('');
  readonly password = signal('');
  readonly counts = signal(Object.fromEntries(names.map((n) => [n, 0])) as Record<Name, number>);
  readonly lastError = signal('');
  countsJson = () => JSON.stringify(this.counts());
  count(name: Name) {
    this.counts.update((c) => ({ ...c, [name]: c[name] + 1 }));
  }
  failed(name: Name, event: Event) {
    this.count(name);
    this.lastError.set((event as CustomEvent<SignInFailureDetail>).detail.error.message);
  }
  valueOf(event: Event) {
    return (event.target as HTMLInputElement).value;
  }
}
