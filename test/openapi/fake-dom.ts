// Just enough DOM to run the /docs script in node:vm. Anything that would parse HTML
// (innerHTML, outerHTML, insertAdjacentHTML, document.write) throws, so a test fails the moment the
// script treats spec text as markup.

type Listener = (event: { type: string; target: FakeNode }) => void;

const refuse = (what: string) => {
  throw new Error(`the docs script used ${what}: spec text must go through textContent`);
};

export class FakeNode {
  parentNode: FakeElement | null = null;
  constructor(readonly nodeType: number) {}
  get textContent(): string {
    return '';
  }
}

export class FakeText extends FakeNode {
  constructor(public data: string) {
    super(3);
  }
  override get textContent(): string {
    return this.data;
  }
}

export class FakeElement extends FakeNode {
  readonly childNodes: FakeNode[] = [];
  readonly attributes = new Map<string, string>();
  readonly listeners = new Map<string, Listener[]>();
  hidden = false;
  open = false;
  value = '';
  constructor(readonly tagName: string) {
    super(tagName === '#fragment' ? 11 : 1);
  }
  get id(): string {
    return this.attributes.get('id') ?? '';
  }
  get className(): string {
    return this.attributes.get('class') ?? '';
  }
  set className(v: string) {
    this.attributes.set('class', String(v));
  }
  setAttribute(name: string, value: string): void {
    if (/^on/i.test(name)) refuse(`an event-handler attribute (${name})`);
    this.attributes.set(name.toLowerCase(), String(value));
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name.toLowerCase()) ?? null;
  }
  appendChild<T extends FakeNode>(child: T): T {
    if (child instanceof FakeElement && child.nodeType === 11) {
      for (const c of [...child.childNodes]) this.appendChild(c);
      child.childNodes.length = 0;
      return child;
    }
    child.parentNode?.childNodes.splice(child.parentNode.childNodes.indexOf(child), 1);
    child.parentNode = this;
    this.childNodes.push(child);
    return child;
  }
  override get textContent(): string {
    return this.childNodes.map((c) => c.textContent).join('');
  }
  override set textContent(v: string) {
    for (const c of this.childNodes) c.parentNode = null;
    this.childNodes.length = 0;
    if (v !== '') this.appendChild(new FakeText(String(v)));
  }
  set innerHTML(_v: string) {
    refuse('innerHTML');
  }
  set outerHTML(_v: string) {
    refuse('outerHTML');
  }
  insertAdjacentHTML(): void {
    refuse('insertAdjacentHTML');
  }
  addEventListener(type: string, fn: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  dispatch(type: string): void {
    for (const fn of this.listeners.get(type) ?? []) fn({ type, target: this });
  }
  /** Every element below this one, depth first. */
  *descendants(): Generator<FakeElement> {
    for (const c of this.childNodes) {
      if (c instanceof FakeElement) {
        yield c;
        yield* c.descendants();
      }
    }
  }
  /** Elements below whose class list has `cls`. */
  byClass(cls: string): FakeElement[] {
    return [...this.descendants()].filter((e) => e.className.split(/\s+/).includes(cls));
  }
  /** Whether this element or an ancestor is hidden. */
  isHidden(): boolean {
    for (let e: FakeElement | null = this; e; e = e.parentNode) if (e.hidden) return true;
    return false;
  }
}

export class FakeDocument {
  readonly body = new FakeElement('BODY');
  readonly listeners = new Map<string, Listener[]>();
  title = '';
  /** Builds the elements that the page's HTML gives ids to. */
  constructor(html: string) {
    for (const m of html.matchAll(/<(\w+)[^>]*\bid="([^"]+)"/g)) {
      const node = new FakeElement(m[1].toUpperCase());
      node.setAttribute('id', m[2]);
      this.body.appendChild(node);
    }
  }
  createElement(tag: string): FakeElement {
    if (/^script$/i.test(tag)) refuse('createElement("script")');
    return new FakeElement(tag.toUpperCase());
  }
  createTextNode(text: string): FakeText {
    return new FakeText(String(text));
  }
  createDocumentFragment(): FakeElement {
    return new FakeElement('#fragment');
  }
  getElementById(id: string): FakeElement | null {
    for (const e of this.body.descendants()) if (e.id === id) return e;
    return null;
  }
  write(): void {
    refuse('document.write');
  }
  addEventListener(type: string, fn: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  dispatch(type: string): void {
    for (const fn of this.listeners.get(type) ?? []) fn({ type, target: this.body });
  }
}
