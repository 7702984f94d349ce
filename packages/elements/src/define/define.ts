interface DefinableElement extends CustomElementConstructor {
  readonly dependencies?: Readonly<Record<string, CustomElementConstructor>>;
}

/**
 * Register `tag` (unless the page already has it), then the elements it renders. The element
 * comes first: a provider defined before its consumers answers their first context request
 * (lit#2763).
 */
export function defineElement(tag: string, element: DefinableElement): void {
  if (!customElements.get(tag)) customElements.define(tag, element);
  for (const [dependencyTag, dependency] of Object.entries(element.dependencies ?? {})) {
    defineElement(dependencyTag, dependency);
  }
}
