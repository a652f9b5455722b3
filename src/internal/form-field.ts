/** A text field of the `<form>` around `element`, read when an action runs (`''` when there is none). */
export function formField(element: Element, name: string): string {
  const form = element.closest('form');
  const value = form ? new FormData(form).get(name) : null;
  return typeof value === 'string' ? value : '';
}
