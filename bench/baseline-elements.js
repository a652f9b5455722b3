// Baselines for the upgrade benchmark (`npm run bench -- --diagnose`): what 1,000 elements with
// the same shadow DOM as <log-out-action> (a <slot> and a <button part="button">, the same
// styles) cost without the kit's code.
//   BaselineReactiveElement: Lit's ReactiveElement, the kit's base class, and nothing else;
//   BaselineVanillaElement: a plain HTMLElement with attachShadow.
import { ReactiveElement, css } from '@lit/reactive-element';

const styles = css`
  :host {
    display: inline-block;
  }
  :host([hidden]),
  [hidden] {
    display: none;
  }
  button {
    font: inherit;
  }
`;

export class BaselineReactiveElement extends ReactiveElement {
  static styles = styles;
  static properties = { label: {} };

  constructor() {
    super();
    this.label = null;
  }

  createRenderRoot() {
    const root = super.createRenderRoot();
    const button = (this.button = document.createElement('button'));
    button.type = 'button';
    button.setAttribute('part', 'button');
    root.append(document.createElement('slot'), button);
    return root;
  }

  updated() {
    this.button.textContent = this.label ?? 'Log out';
  }
}

export class BaselineVanillaElement extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return;
    const root = this.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [styles.styleSheet];
    const button = document.createElement('button');
    button.type = 'button';
    button.setAttribute('part', 'button');
    button.textContent = 'Log out';
    root.append(document.createElement('slot'), button);
  }

  /** Rendered synchronously: nothing to wait for. */
  get updateComplete() {
    return Promise.resolve(true);
  }
}
