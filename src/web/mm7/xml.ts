import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { MmsgwError } from '../../util/errors.js';

/**
 * XML for MM7, through fast-xml-parser (never regular expressions): a namespace-resolved tree
 * for reading SOAP envelopes, and a builder for writing them. Parsing is linear in the input;
 * nesting is bounded; a Document Type Declaration is refused (SOAP 1.1 §3: "A SOAP message
 * MUST NOT contain a Document Type Declaration"), which also rules out entity expansion.
 */

export interface XElement {
  /** Namespace URI, resolved from the xmlns declarations in scope. */
  readonly ns: string | undefined;
  readonly local: string;
  /** Attributes by local name (prefixes dropped; xmlns declarations excluded). */
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XElement[];
  /** Concatenated text content directly inside this element, trimmed. */
  readonly text: string;
}

export class XmlError extends MmsgwError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('MM7_BAD_XML', message, { details });
  }
}

const MAX_DEPTH = 32;

type OrderedNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: MAX_DEPTH,
});

/** Parses `xml` into a namespace-resolved tree, or throws XmlError naming line and column. */
export function parseXml(xml: string): XElement {
  if (xml.includes('<!DOCTYPE') || xml.includes('<!doctype')) throw new XmlError('a SOAP message must not contain a Document Type Declaration (SOAP 1.1 §3)');
  const valid = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (valid !== true) {
    throw new XmlError(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`, { line: valid.err.line, column: valid.err.col });
  }
  let nodes: OrderedNode[];
  try {
    nodes = parser.parse(xml) as OrderedNode[];
  } catch (e) {
    throw new XmlError(`unreadable XML: ${(e as Error).message}`);
  }
  const roots = nodes.map((n) => toElement(n, new Map(), 0)).filter((e): e is XElement => e !== undefined);
  if (roots.length !== 1) throw new XmlError(`expected one root element, found ${roots.length}`);
  return roots[0]!;
}

function splitName(qname: string): { prefix: string | undefined; local: string } {
  const i = qname.indexOf(':');
  return i < 0 ? { prefix: undefined, local: qname } : { prefix: qname.slice(0, i), local: qname.slice(i + 1) };
}

function toElement(node: OrderedNode, scope: ReadonlyMap<string, string>, depth: number): XElement | undefined {
  if (depth > MAX_DEPTH) throw new XmlError(`elements nested deeper than ${MAX_DEPTH}`);
  const name = Object.keys(node).find((k) => k !== ':@');
  if (name === undefined || name === '#text' || name.startsWith('?') || name.startsWith('!') || name === '#comment') return undefined;
  const rawAttrs = (node[':@'] ?? {}) as Record<string, unknown>;
  const local = new Map(scope);
  const attrs: Record<string, string> = {};
  for (const [key, value] of Object.entries(rawAttrs)) {
    const attr = key.startsWith('@_') ? key.slice(2) : key;
    const v = String(value);
    if (attr === 'xmlns') local.set('', v);
    else if (attr.startsWith('xmlns:')) local.set(attr.slice(6), v);
    else attrs[splitName(attr).local] = v;
  }
  const { prefix, local: localName } = splitName(name);
  const ns = local.get(prefix ?? '');
  if (prefix !== undefined && ns === undefined) throw new XmlError(`namespace prefix '${prefix}' of <${name}> is not declared`);
  const children: XElement[] = [];
  let text = '';
  for (const child of (node[name] ?? []) as OrderedNode[]) {
    if ('#text' in child) {
      text += String(child['#text']);
      continue;
    }
    const c = toElement(child, local, depth + 1);
    if (c) children.push(c);
  }
  return { ns: ns === '' ? undefined : ns, local: localName, attrs, children, text: text.trim() };
}

/** The first child named `local` (in the parent's namespace or none: MM7 elements are qualified alike). */
export function child(e: XElement, local: string): XElement | undefined {
  return e.children.find((c) => c.local === local);
}

export function childrenNamed(e: XElement, local: string): XElement[] {
  return e.children.filter((c) => c.local === local);
}

export function childText(e: XElement, local: string): string | undefined {
  const c = child(e, local);
  return c === undefined ? undefined : c.text;
}

/** A node for the builder: `[name, attributes, children or text]`; undefined entries are left out. */
export type XNode = { readonly name: string; readonly attrs?: Readonly<Record<string, string>>; readonly content?: string | readonly (XNode | undefined)[] };

export function el(name: string, content?: string | readonly (XNode | undefined)[], attrs?: Readonly<Record<string, string>>): XNode {
  return { name, ...(attrs ? { attrs } : {}), ...(content !== undefined ? { content } : {}) };
}

/** An optional element: left out when the value is undefined. */
export function opt(name: string, value: string | undefined): XNode | undefined {
  return value === undefined ? undefined : el(name, value);
}

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
  processEntities: true,
  format: false,
});

function toOrdered(n: XNode): OrderedNode {
  const out: OrderedNode = {};
  let kids: OrderedNode[] = [];
  if (typeof n.content === 'string') kids = [{ '#text': n.content }];
  else if (n.content) kids = n.content.filter((c): c is XNode => c !== undefined).map(toOrdered);
  out[n.name] = kids;
  if (n.attrs) {
    const a: Record<string, string> = {};
    for (const [k, v] of Object.entries(n.attrs)) a[`@_${k}`] = v;
    out[':@'] = a;
  }
  return out;
}

/** Serialises a tree with an XML declaration (UTF-8). Text and attribute values are escaped. */
export function buildXml(root: XNode): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build([toOrdered(root)]) as string}`;
}
