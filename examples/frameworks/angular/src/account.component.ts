import { Component, CUSTOM_ELEMENTS_SCHEMA, input, signal } from '@angular/core';
import 'user-session-elements';
import type { AuthBackend, LoggedInDetail, PublicUser, SignInFailureDetail } from 'user-session-elements';

@Component({
  selector: 'app-account',
  schemas: [CUSTOM_ELEMENTS_SCHEMA], // lets the template use the kit's tags and their properties
  template: `
    <user-session [backend]="backend()" (logged-in)="signedIn($event)" (logged-out)="user.set(null)">
      <p class="state">{{ user() ? 'Signed in as ' + user()?.username : 'Signed out' }}</p>
      @if (user()) {
        <log-out-action scope="all" label="Log out everywhere" (failure)="showError($event)"></log-out-action>
      } @else {
        <form>
          <input name="username" autocomplete="username" aria-label="Username" />
          <input name="password" type="password" autocomplete="current-password" aria-label="Password" />
          <log-in-action (success)="message.set('')" (failure)="showError($event)"></log-in-action>
          <sign-up-action [fields]="{ plan: 'free' }" (failure)="showError($event)"></sign-up-action>
        </form>
      }
      <p role="status">{{ message() }}</p>
    </user-session>
  `,
})
export class AccountComponent {
  readonly backend = input.required<AuthBackend>();
  readonly user = signal<PublicUser | null>(null);
  readonly message = signal('');
  // Angular types `$event` of a custom element's event as a plain Event.
  signedIn(event: Event) {
    this.user.set((event as CustomEvent<LoggedInDetail>).detail.user);
  }
  showError(event: Event) {
    this.message.set((event as CustomEvent<SignInFailureDetail>).detail.error.message);
  }
}
