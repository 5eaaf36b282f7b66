//! E-invoices: UBL 2.1 `Invoice` / `CreditNote` (Peppol BIS Billing 3.0,
//! XRechnung) and UN/CEFACT CII `CrossIndustryInvoice` (Factur-X, ZUGFeRD,
//! XRechnung). Any other XML is skipped.
//!
//! Only the fields a human reads are prose: notes, payment terms, item
//! names and descriptions, item attributes, allowance and charge reasons,
//! payment means text. Each segment carries its EN 16931 business term and
//! the XPath of its element. Codes, identifiers, amounts and dates are not
//! prose; the reader gathers the few of them the invoice-clarity rules need
//! into [`InvoiceFacts`], each with the source bytes a finding points at.
//!
//! The XML is parsed with quick-xml into a small arena tree. No DTD or
//! external entity is ever loaded: a DOCTYPE that declares entities is
//! refused (XXE, "billion laughs"), and only XML's five entities and
//! character references are accepted in text.

use std::collections::HashMap;
use std::ops::Range;

use quick_xml::Reader;
use quick_xml::errors::{Error as XmlError, IllFormedError, SyntaxError};
use quick_xml::events::Event;

use super::ReadError;
use crate::document::{Directive, Document, Field, Segment};

const UBL_INVOICE_NS: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
const UBL_CREDIT_NOTE_NS: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
const UBL_CAC_NS: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
const UBL_CBC_NS: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
const CII_RSM_NS: &str = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";
const CII_RAM_NS: &str =
    "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100";
const CII_UDT_NS: &str = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100";

/// Deeper nesting than any real invoice has (XRechnung sub-lines included);
/// refused so that hostile input cannot make XPaths grow quadratically.
const MAX_DEPTH: usize = 256;

/// UNTDID 1001 document type codes that EN 16931 counts as credit notes.
const CREDIT_NOTE_TYPES: &[&str] = &[
    "81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532",
];

/// The two syntaxes of EN 16931.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Syntax {
    /// OASIS UBL 2.1.
    #[default]
    Ubl,
    /// UN/CEFACT Cross Industry Invoice.
    Cii,
}

/// Whether the document bills or credits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    #[default]
    Invoice,
    CreditNote,
}

/// One business term's value in the file, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// The value with entities decoded and surrounding whitespace trimmed;
    /// empty for a group (an invoicing period, a contact).
    pub value: String,
    /// The source bytes a finding about it points at: the value as written,
    /// or, for a group, the element's name in its start tag.
    pub range: Range<usize>,
    pub field: Field,
}

/// An invoice line (or an XRechnung sub-line), as far as the rules look at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// `line 2`, or `line 1.3` for the third sub-line of line 1.
    pub place: String,
    /// BT-153 item name.
    pub name: Option<Fact>,
    /// BT-154 item description.
    pub description: Option<Fact>,
    /// BT-155 the seller's item identifier.
    pub seller_item_id: Option<Fact>,
    /// BG-26 the line's invoicing period.
    pub period: Option<Fact>,
}

/// A document- or line-level allowance (discount) or charge (surcharge).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowanceCharge {
    /// `true` for a charge, `false` for an allowance.
    pub charge: bool,
    /// The line's place; `None` at document level.
    pub place: Option<String>,
    /// BT-98 / BT-105 / BT-140 / BT-145 reason code.
    pub reason_code: Option<Fact>,
    /// BT-97 / BT-104 / BT-139 / BT-144 reason text.
    pub reason: Option<Fact>,
    /// The allowance or charge element's name in its start tag.
    pub range: Range<usize>,
}

/// The seller's contact point (BG-6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SellerContact {
    /// The contact element's name in its start tag.
    pub range: Range<usize>,
    /// Its XPath.
    pub xpath: String,
    /// BT-41 contact person or department.
    pub name: Option<Fact>,
    /// BT-42 telephone.
    pub phone: Option<Fact>,
    /// BT-43 email address.
    pub email: Option<Fact>,
}

/// What the invoice-clarity rules need to know about an e-invoice. Every
/// fact keeps the source range a finding points at; a rule about something
/// missing points at [`InvoiceFacts::root`].
#[derive(Debug, Clone, Default)]
pub struct InvoiceFacts {
    pub syntax: Syntax,
    pub kind: Kind,
    /// The root element's name in its start tag (`Invoice`,
    /// `rsm:CrossIndustryInvoice`).
    pub root: Range<usize>,
    /// The root's qualified name as written.
    pub root_name: String,
    /// The file's prefixes for the conventional ones (`cac`, `cbc`, `ram`,
    /// `rsm`, `udt`): empty for the default namespace.
    pub prefixes: HashMap<String, String>,
    /// BT-10.
    pub buyer_reference: Option<Fact>,
    /// BT-13.
    pub order_reference: Option<Fact>,
    /// BT-72.
    pub delivery_date: Option<Fact>,
    /// BG-14.
    pub invoice_period: Option<Fact>,
    /// BT-9.
    pub due_date: Option<Fact>,
    /// BT-20, one per payment terms text.
    pub payment_terms: Vec<Fact>,
    /// BG-6, the first one.
    pub seller_contact: Option<SellerContact>,
    /// Lines and sub-lines, in document order.
    pub lines: Vec<Line>,
    /// BT-130 and BT-150 unit codes, in document order.
    pub units: Vec<Fact>,
    /// Allowances and charges, document level and line level, in document order.
    pub allowances: Vec<AllowanceCharge>,
}

impl InvoiceFacts {
    /// The XPath where an element that is missing belongs, from the root;
    /// `steps` use the conventional prefixes (`cac:OrderReference`), which
    /// are rewritten to the file's own.
    pub fn expected_xpath(&self, steps: &[&str]) -> String {
        let mut out = format!("/{}", self.root_name);
        for step in steps {
            out.push('/');
            match step.split_once(':') {
                Some((p, local)) => match self.prefixes.get(p) {
                    Some(actual) if actual.is_empty() => out.push_str(local),
                    Some(actual) => {
                        out.push_str(actual);
                        out.push(':');
                        out.push_str(local);
                    }
                    None => out.push_str(step),
                },
                None => out.push_str(step),
            }
        }
        out
    }

    /// Whether any line has its own invoicing period.
    pub fn has_line_periods(&self) -> bool {
        self.lines.iter().any(|l| l.period.is_some())
    }
}

/// Reads an XML file: an e-invoice becomes a document; any other XML is
/// skipped.
pub fn read(bytes: &[u8]) -> Result<Document, ReadError> {
    let src = super::utf8(bytes)?;
    let parsed = parse(src)?;
    let tree = Tree {
        src,
        els: parsed.elements,
    };
    let mut doc = Document::new(src.to_string());
    doc.directives = parsed.directives;
    let mut x = Extract {
        tree: &tree,
        segments: Vec::new(),
        facts: InvoiceFacts {
            syntax: parsed.syntax,
            kind: parsed.kind,
            root: tree.els[0].name.clone(),
            root_name: tree.qname(0).to_string(),
            prefixes: prefixes(&tree),
            ..Default::default()
        },
        lang: None,
    };
    match parsed.syntax {
        Syntax::Ubl => x.ubl(),
        Syntax::Cii => x.cii(),
    }
    let Extract {
        mut segments,
        mut facts,
        lang,
        ..
    } = x;
    segments.sort_by_key(|(start, _)| *start);
    for (_, seg) in segments {
        doc.push(seg);
    }
    facts.units.sort_by_key(|f| f.range.start);
    facts.allowances.sort_by_key(|a| a.range.start);
    doc.meta.lang = lang;
    doc.invoice = Some(facts);
    Ok(doc)
}

// ---------------------------------------------------------------------------
// Parsing: quick-xml events into an arena tree with source ranges.

/// Character data of an element.
#[derive(Debug, Clone)]
enum Content {
    /// Text as written, references included (`R&amp;D`).
    Raw(Range<usize>),
    /// The inside of a CDATA section: verbatim.
    CData(Range<usize>),
}

#[derive(Debug, Clone)]
struct Element {
    /// The qualified name in the start tag.
    name: Range<usize>,
    parent: Option<usize>,
    children: Vec<usize>,
    /// (qualified name, raw value) of each attribute.
    attrs: Vec<(Range<usize>, Range<usize>)>,
    content: Vec<Content>,
    /// 1-based position among the parent's children of the same name, and
    /// how many there are: `cac:InvoiceLine[2]` in an XPath.
    nth: usize,
    of: usize,
}

struct Parsed {
    elements: Vec<Element>,
    directives: Vec<Directive>,
    syntax: Syntax,
    kind: Kind,
}

fn invalid(message: impl Into<String>, help: impl Into<String>, offset: usize) -> ReadError {
    ReadError::Invalid {
        message: message.into(),
        help: help.into(),
        offset: Some(offset),
    }
}

const TRUNCATED_HELP: &str =
    "the file looks cut off or damaged; export the e-invoice again from the invoicing system";

/// Parses `src` into a tree whose element 0 is the root, refusing entity
/// declarations, undefined entities and malformed or truncated XML. Returns
/// `Skip` as soon as the root turns out not to be an e-invoice.
fn parse(src: &str) -> Result<Parsed, ReadError> {
    let mut reader = Reader::from_str(src);
    {
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        config.trim_text(false);
    }
    let mut els: Vec<Element> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut directives = Vec::new();
    let mut entity_declaration: Option<usize> = None;
    let mut root: Option<(Syntax, Kind)> = None;

    loop {
        let start = pos(reader.buffer_position());
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => return Err(xml_error(&e, pos(reader.error_position()), src)),
        };
        let end = pos(reader.buffer_position()).min(src.len());
        match event {
            Event::Start(ref tag) | Event::Empty(ref tag) => {
                let empty = matches!(event, Event::Empty(_));
                let name_len = tag.name().as_ref().len();
                let name = start + 1..start + 1 + name_len;
                let mut attrs = Vec::new();
                for a in tag.attributes() {
                    let a = a.map_err(|e| {
                        invalid(
                            format!("malformed attribute: {e}"),
                            "check the XML is well-formed",
                            start,
                        )
                    })?;
                    let (Some(k), Some(v)) =
                        (offset_in(src, a.key.as_ref()), offset_in(src, &a.value))
                    else {
                        continue;
                    };
                    let value = v..v + a.value.len();
                    check_references(src, value.clone())?;
                    attrs.push((k..k + a.key.as_ref().len(), value));
                }
                let parent = stack.last().copied();
                if parent.is_none() {
                    if root.is_some() {
                        return Err(invalid(
                            "a second root element after the end of the invoice",
                            "an XML file holds one document; remove what follows the closing tag of the root",
                            start,
                        ));
                    }
                    let Some(found) = root_kind(src, name.clone(), &attrs) else {
                        return Err(ReadError::Skip(
                            "XML that is not a UBL or CII e-invoice".into(),
                        ));
                    };
                    if let Some(at) = entity_declaration {
                        return Err(invalid(
                            "DTD entity declarations are not allowed in an e-invoice (XXE / billion laughs protection)",
                            "remove the <!DOCTYPE ...> declaration; UBL and CII invoices never need one",
                            at,
                        ));
                    }
                    root = Some(found);
                }
                let id = els.len();
                els.push(Element {
                    name,
                    parent,
                    children: Vec::new(),
                    attrs,
                    content: Vec::new(),
                    nth: 1,
                    of: 1,
                });
                if let Some(p) = parent {
                    els[p].children.push(id);
                }
                if !empty {
                    stack.push(id);
                    if stack.len() > MAX_DEPTH {
                        return Err(invalid(
                            format!("elements nested more than {MAX_DEPTH} deep"),
                            "no e-invoice nests that deep; check the file was exported correctly",
                            start,
                        ));
                    }
                }
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::Text(_) => {
                if let Some(&top) = stack.last() {
                    push_raw(&mut els[top].content, start..end);
                }
            }
            Event::GeneralRef(_) => {
                check_references(src, start..end)?;
                if let Some(&top) = stack.last() {
                    push_raw(&mut els[top].content, start..end);
                }
            }
            Event::CData(_) => {
                if let Some(&top) = stack.last()
                    && end >= start + 12
                {
                    els[top].content.push(Content::CData(start + 9..end - 3));
                }
            }
            Event::Comment(_) => {
                if end >= start + 7
                    && let Some(inner) = src.get(start + 4..end - 3)
                {
                    directives.push(Directive {
                        text: inner.trim().to_string(),
                        range: start..end,
                    });
                }
            }
            Event::DocType(_) => {
                let text = src.get(start..end).unwrap_or("");
                if text.to_ascii_uppercase().contains("<!ENTITY") {
                    entity_declaration = Some(start);
                }
            }
            Event::Decl(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    let Some((syntax, mut kind)) = root else {
        return Err(ReadError::Skip(
            "XML that is not a UBL or CII e-invoice".into(),
        ));
    };
    if let Some(&open) = stack.last() {
        let name = src.get(els[open].name.clone()).unwrap_or("?");
        return Err(invalid(
            format!("the e-invoice ends before `<{name}>` is closed: the file is truncated"),
            TRUNCATED_HELP,
            src.len(),
        ));
    }
    number_siblings(src, &mut els);
    let tree = Tree { src, els };
    let type_code = match syntax {
        Syntax::Ubl => tree
            .kid(0, "InvoiceTypeCode")
            .or_else(|| tree.kid(0, "CreditNoteTypeCode")),
        Syntax::Cii => tree.find(0, &["ExchangedDocument", "TypeCode"]),
    };
    if let Some(code) = type_code
        && CREDIT_NOTE_TYPES.contains(&tree.text(code).as_str())
    {
        kind = Kind::CreditNote;
    }
    Ok(Parsed {
        elements: tree.els,
        directives,
        syntax,
        kind,
    })
}

fn pos(p: u64) -> usize {
    usize::try_from(p).unwrap_or(usize::MAX)
}

/// Appends raw text, merging with the run before it when they touch (text
/// and references come as separate events).
fn push_raw(content: &mut Vec<Content>, r: Range<usize>) {
    if let Some(Content::Raw(last)) = content.last_mut()
        && last.end == r.start
    {
        last.end = r.end;
        return;
    }
    content.push(Content::Raw(r));
}

/// Where `part` (a slice borrowed from `src`) starts in `src`.
fn offset_in(src: &str, part: &[u8]) -> Option<usize> {
    let base = src.as_ptr() as usize;
    let p = part.as_ptr() as usize;
    (p >= base && p + part.len() <= base + src.len()).then(|| p - base)
}

/// Refuses references other than XML's five entities and valid character
/// references in `src[range]`, saying where.
fn check_references(src: &str, range: Range<usize>) -> Result<(), ReadError> {
    let Some(raw) = src.get(range.clone()) else {
        return Ok(());
    };
    for amp in memchr::memchr_iter(b'&', raw.as_bytes()) {
        let at = range.start + amp;
        let Some(semi) = raw[amp..].find(';') else {
            return Err(invalid(
                "a `&` that starts no entity reference",
                "write a literal ampersand as `&amp;`",
                at,
            ));
        };
        let name = &raw[amp + 1..amp + semi];
        if let Some(num) = name.strip_prefix('#') {
            let code = match num.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => num.parse::<u32>().ok(),
            };
            let ok = code
                .and_then(char::from_u32)
                .is_some_and(|c| c == '\t' || c == '\n' || c == '\r' || c >= ' ');
            if !ok {
                return Err(invalid(
                    format!("`&{name};` is not a valid character reference"),
                    "write the character itself, or a reference to a character XML allows",
                    at,
                ));
            }
        } else if quick_xml::escape::resolve_xml_entity(name).is_none() {
            return Err(invalid(
                format!("undefined entity `&{name};`"),
                "an e-invoice may only use &amp; &lt; &gt; &quot; &apos; and character references; write the character itself",
                at,
            ));
        }
    }
    Ok(())
}

/// A quick-xml error as a reader error with a clear message.
fn xml_error(e: &XmlError, offset: usize, src: &str) -> ReadError {
    let offset = offset.min(src.len());
    match e {
        XmlError::Syntax(s) => {
            let what = match s {
                SyntaxError::UnclosedTag => "inside a tag",
                SyntaxError::UnclosedComment => "inside a comment",
                SyntaxError::UnclosedCData => "inside a CDATA section",
                SyntaxError::UnclosedDoctype => "inside the DOCTYPE declaration",
                SyntaxError::UnclosedPIOrXmlDecl => "inside a processing instruction",
                SyntaxError::InvalidBangMarkup => {
                    return invalid(
                        format!("not well-formed XML: {s}"),
                        "check the XML is well-formed",
                        offset,
                    );
                }
            };
            invalid(
                format!("the e-invoice ends {what}: the file is truncated"),
                TRUNCATED_HELP,
                offset,
            )
        }
        XmlError::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => invalid(
            format!("`</{found}>` closes `<{expected}>`"),
            "check the XML is well-formed: every element must be closed in order",
            offset,
        ),
        XmlError::IllFormed(IllFormedError::UnmatchedEndTag(name)) => invalid(
            format!("`</{name}>` closes an element that was never opened"),
            "check the XML is well-formed",
            offset,
        ),
        XmlError::IllFormed(IllFormedError::UnclosedReference) => invalid(
            "a `&` that starts no entity reference",
            "write a literal ampersand as `&amp;`",
            offset,
        ),
        other => invalid(
            format!("not well-formed XML: {other}"),
            "check the XML is well-formed",
            offset,
        ),
    }
}

/// Numbers each element among its same-named siblings, once, so that
/// XPaths cost nothing per field even on invoices with thousands of lines.
fn number_siblings(src: &str, els: &mut [Element]) {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for p in 0..els.len() {
        counts.clear();
        let children = std::mem::take(&mut els[p].children);
        for &c in &children {
            let n = counts
                .entry(src.get(els[c].name.clone()).unwrap_or(""))
                .or_default();
            *n += 1;
            els[c].nth = *n;
        }
        for &c in &children {
            els[c].of = counts
                .get(src.get(els[c].name.clone()).unwrap_or(""))
                .copied()
                .unwrap_or(1);
        }
        els[p].children = children;
    }
}

/// The syntax and kind the root element announces, if it is an e-invoice.
fn root_kind(
    src: &str,
    name: Range<usize>,
    attrs: &[(Range<usize>, Range<usize>)],
) -> Option<(Syntax, Kind)> {
    let qname = src.get(name)?;
    let (prefix, local) = match qname.split_once(':') {
        Some((p, l)) => (Some(p), l),
        None => (None, qname),
    };
    let ns = attrs.iter().find_map(|(k, v)| {
        let key = src.get(k.clone())?;
        let declares = match prefix {
            Some(p) => key.strip_prefix("xmlns:") == Some(p),
            None => key == "xmlns",
        };
        declares.then(|| src.get(v.clone())).flatten()
    })?;
    match (local, ns.trim()) {
        ("Invoice", UBL_INVOICE_NS) => Some((Syntax::Ubl, Kind::Invoice)),
        ("CreditNote", UBL_CREDIT_NOTE_NS) => Some((Syntax::Ubl, Kind::CreditNote)),
        ("CrossIndustryInvoice", CII_RSM_NS) => Some((Syntax::Cii, Kind::Invoice)),
        _ => None,
    }
}

/// The file's prefixes for the conventional ones, from the root's
/// namespace declarations.
fn prefixes(tree: &Tree<'_>) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (k, v) in &tree.els[0].attrs {
        let (Some(key), Some(ns)) = (tree.src.get(k.clone()), tree.src.get(v.clone())) else {
            continue;
        };
        let actual = match key.strip_prefix("xmlns") {
            Some("") => "",
            Some(rest) => match rest.strip_prefix(':') {
                Some(p) => p,
                None => continue,
            },
            None => continue,
        };
        let conventional = match ns.trim() {
            UBL_CAC_NS => "cac",
            UBL_CBC_NS => "cbc",
            CII_RSM_NS => "rsm",
            CII_RAM_NS => "ram",
            CII_UDT_NS => "udt",
            _ => continue,
        };
        out.insert(conventional.to_string(), actual.to_string());
    }
    out
}

// ---------------------------------------------------------------------------
// The tree and its queries.

struct Tree<'s> {
    src: &'s str,
    els: Vec<Element>,
}

impl<'s> Tree<'s> {
    fn qname(&self, id: usize) -> &'s str {
        self.src.get(self.els[id].name.clone()).unwrap_or("")
    }

    fn local(&self, id: usize) -> &'s str {
        let q = self.qname(id);
        q.rsplit_once(':').map_or(q, |(_, l)| l)
    }

    fn children(&self, id: usize) -> impl Iterator<Item = usize> + '_ {
        self.els[id].children.iter().copied()
    }

    /// Children named `local` (any prefix).
    fn kids<'a>(&'a self, id: usize, local: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.children(id).filter(move |&c| self.local(c) == local)
    }

    fn kid(&self, id: usize, local: &str) -> Option<usize> {
        self.kids(id, local).next()
    }

    /// The first element down `path` of local names.
    fn find(&self, id: usize, path: &[&str]) -> Option<usize> {
        path.iter().try_fold(id, |at, step| self.kid(at, step))
    }

    /// The raw value range of attribute `name`.
    fn attr(&self, id: usize, name: &str) -> Option<Range<usize>> {
        self.els[id]
            .attrs
            .iter()
            .find(|(k, _)| self.src.get(k.clone()) == Some(name))
            .map(|(_, v)| v.clone())
    }

    /// The element's own character data, decoded and trimmed.
    fn text(&self, id: usize) -> String {
        let mut out = String::new();
        for c in &self.els[id].content {
            match c {
                Content::Raw(r) => {
                    let raw = self.src.get(r.clone()).unwrap_or("");
                    match quick_xml::escape::unescape(raw) {
                        Ok(t) => out.push_str(&t),
                        Err(_) => out.push_str(raw),
                    }
                }
                Content::CData(r) => out.push_str(self.src.get(r.clone()).unwrap_or("")),
            }
        }
        out.trim().to_string()
    }

    /// The source range of the element's own character data without
    /// surrounding whitespace; `None` when it is blank.
    fn text_range(&self, id: usize) -> Option<Range<usize>> {
        let mut start = None;
        let mut end = None;
        for c in &self.els[id].content {
            let (Content::Raw(r) | Content::CData(r)) = c;
            let Some(s) = self.src.get(r.clone()) else {
                continue;
            };
            let trimmed_start = s.len() - s.trim_start().len();
            if trimmed_start < s.len() {
                start.get_or_insert(r.start + trimmed_start);
                end = Some(r.start + s.trim_end().len());
            }
        }
        Some(start?..end?)
    }

    /// The element and its descendants in document order.
    fn descendants(&self, id: usize) -> impl Iterator<Item = usize> + '_ {
        let mut stack = vec![id];
        std::iter::from_fn(move || {
            let next = stack.pop()?;
            stack.extend(self.els[next].children.iter().rev().copied());
            Some(next)
        })
    }

    /// `/Invoice/cac:InvoiceLine[2]/cac:Item/cbc:Name`: qualified names as
    /// written, with a 1-based index where siblings share the name.
    fn xpath(&self, id: usize) -> String {
        let mut steps = Vec::new();
        let mut at = Some(id);
        while let Some(e) = at {
            let name = self.qname(e);
            let el = &self.els[e];
            steps.push(if el.of > 1 {
                format!("{name}[{}]", el.nth)
            } else {
                name.to_string()
            });
            at = self.els[e].parent;
        }
        steps.reverse();
        format!("/{}", steps.join("/"))
    }

    /// The element's character data as a prose segment of source 0.
    fn segment(&self, id: usize) -> Segment {
        let mut seg = Segment::new(0);
        for c in &self.els[id].content {
            match c {
                Content::Raw(r) => {
                    if let Some(raw) = self.src.get(r.clone()) {
                        seg.push_escaped(raw, r.start, false);
                    }
                }
                Content::CData(r) => {
                    if let Some(text) = self.src.get(r.clone()) {
                        seg.push_verbatim(text, r.start);
                    }
                }
            }
        }
        seg
    }
}

// ---------------------------------------------------------------------------
// Extraction: which elements are prose and which are facts, per syntax.

/// Where a field sits in the invoice: the business term, its name, the line.
struct Term {
    bt: &'static str,
    name: &'static str,
}

const INVOICE_NOTE: Term = Term {
    bt: "BT-22",
    name: "Invoice note",
};
const PAYMENT_TERMS: Term = Term {
    bt: "BT-20",
    name: "Payment terms",
};
const PAYMENT_MEANS_TEXT: Term = Term {
    bt: "BT-82",
    name: "Payment means text",
};
const DUE_DATE: Term = Term {
    bt: "BT-9",
    name: "Payment due date",
};
const BUYER_REFERENCE: Term = Term {
    bt: "BT-10",
    name: "Buyer reference",
};
const ORDER_REFERENCE: Term = Term {
    bt: "BT-13",
    name: "Purchase order reference",
};
const DELIVERY_DATE: Term = Term {
    bt: "BT-72",
    name: "Actual delivery date",
};
const INVOICE_PERIOD: Term = Term {
    bt: "BG-14",
    name: "Invoicing period",
};
const LINE_PERIOD: Term = Term {
    bt: "BG-26",
    name: "Invoice line period",
};
const LINE_NOTE: Term = Term {
    bt: "BT-127",
    name: "Invoice line note",
};
const ITEM_NAME: Term = Term {
    bt: "BT-153",
    name: "Item name",
};
const ITEM_DESCRIPTION: Term = Term {
    bt: "BT-154",
    name: "Item description",
};
const SELLER_ITEM_ID: Term = Term {
    bt: "BT-155",
    name: "Item seller's identifier",
};
const ATTRIBUTE_NAME: Term = Term {
    bt: "BT-160",
    name: "Item attribute name",
};
const ATTRIBUTE_VALUE: Term = Term {
    bt: "BT-161",
    name: "Item attribute value",
};
const QUANTITY_UNIT: Term = Term {
    bt: "BT-130",
    name: "Invoiced quantity unit of measure",
};
const BASE_QUANTITY_UNIT: Term = Term {
    bt: "BT-150",
    name: "Item price base quantity unit of measure",
};
const CONTACT_NAME: Term = Term {
    bt: "BT-41",
    name: "Seller contact point",
};
const CONTACT_PHONE: Term = Term {
    bt: "BT-42",
    name: "Seller contact telephone number",
};
const CONTACT_EMAIL: Term = Term {
    bt: "BT-43",
    name: "Seller contact email address",
};

/// The reason and reason-code terms of an allowance or a charge, at
/// document or line level.
fn allowance_terms(charge: bool, line: bool) -> (Term, Term) {
    match (charge, line) {
        (false, false) => (
            Term {
                bt: "BT-97",
                name: "Document level allowance reason",
            },
            Term {
                bt: "BT-98",
                name: "Document level allowance reason code",
            },
        ),
        (true, false) => (
            Term {
                bt: "BT-104",
                name: "Document level charge reason",
            },
            Term {
                bt: "BT-105",
                name: "Document level charge reason code",
            },
        ),
        (false, true) => (
            Term {
                bt: "BT-139",
                name: "Invoice line allowance reason",
            },
            Term {
                bt: "BT-140",
                name: "Invoice line allowance reason code",
            },
        ),
        (true, true) => (
            Term {
                bt: "BT-144",
                name: "Invoice line charge reason",
            },
            Term {
                bt: "BT-145",
                name: "Invoice line charge reason code",
            },
        ),
    }
}

struct Extract<'t, 's> {
    tree: &'t Tree<'s>,
    /// Prose segments keyed by their element's position, for document order.
    segments: Vec<(usize, Segment)>,
    facts: InvoiceFacts,
    lang: Option<String>,
}

impl Extract<'_, '_> {
    fn field(&self, term: &Term, xpath: String, place: Option<&str>) -> Field {
        Field {
            bt: Some(term.bt.to_string()),
            name: term.name.to_string(),
            xpath: Some(xpath),
            place: place.map(str::to_string),
        }
    }

    /// Makes the element's text a prose segment; returns it as a fact too.
    fn prose(&mut self, id: usize, term: &Term, place: Option<&str>) -> Option<Fact> {
        let field = self.field(term, self.tree.xpath(id), place);
        let mut seg = self.tree.segment(id);
        seg.field = Some(field.clone());
        let start = self.tree.els[id].name.start;
        self.segments.push((start, seg));
        self.value(id, field)
    }

    /// Makes an attribute's value a prose segment.
    fn prose_attr(&mut self, id: usize, attr: &str, term: &Term, place: Option<&str>) {
        let Some(r) = self.tree.attr(id, attr) else {
            return;
        };
        let xpath = format!("{}/@{attr}", self.tree.xpath(id));
        let mut seg = Segment::new(0);
        if let Some(raw) = self.tree.src.get(r.clone()) {
            seg.push_escaped(raw, r.start, false);
        }
        seg.field = Some(self.field(term, xpath, place));
        self.segments.push((r.start, seg));
    }

    /// The element's value as a fact: its own text, else the first
    /// descendant's (a CII date inside `udt:DateTimeString`); `None` when
    /// there is no text at all.
    fn value(&self, id: usize, field: Field) -> Option<Fact> {
        let t = self.tree;
        let at = t.descendants(id).find(|&d| t.text_range(d).is_some())?;
        Some(Fact {
            value: t.text(at),
            range: t.text_range(at)?,
            field,
        })
    }

    fn fact(&self, id: usize, term: &Term, place: Option<&str>) -> Option<Fact> {
        self.value(id, self.field(term, self.tree.xpath(id), place))
    }

    /// A group that counts when any of it has text: points at its name.
    fn group(&self, id: usize, term: &Term, place: Option<&str>) -> Option<Fact> {
        let t = self.tree;
        t.descendants(id).find(|&d| t.text_range(d).is_some())?;
        Some(Fact {
            value: String::new(),
            range: t.els[id].name.clone(),
            field: self.field(term, t.xpath(id), place),
        })
    }

    /// A unit code attribute (`unitCode`), recorded as a fact.
    fn unit(&mut self, id: usize, term: &Term, place: &str) {
        let t = self.tree;
        let Some(r) = t.attr(id, "unitCode") else {
            return;
        };
        let raw = t.src.get(r.clone()).unwrap_or("");
        let value = quick_xml::escape::unescape(raw)
            .map(|c| c.trim().to_string())
            .unwrap_or_else(|_| raw.trim().to_string());
        if value.is_empty() {
            return;
        }
        let lead = raw.len() - raw.trim_start().len();
        let range = r.start + lead..r.start + raw.trim_end().len();
        let field = self.field(term, format!("{}/@unitCode", t.xpath(id)), Some(place));
        self.facts.units.push(Fact {
            value,
            range,
            field,
        });
    }

    fn set(slot: &mut Option<Fact>, fact: Option<Fact>) {
        if slot.is_none() {
            *slot = fact;
        }
    }

    // --- UBL ---------------------------------------------------------------

    fn ubl(&mut self) {
        let t = self.tree;
        let mut n = 0;
        for c in t.children(0) {
            match t.local(c) {
                "Note" => {
                    self.prose(c, &INVOICE_NOTE, None);
                }
                "DueDate" => {
                    let f = self.fact(c, &DUE_DATE, None);
                    Self::set(&mut self.facts.due_date, f);
                }
                "BuyerReference" => {
                    let f = self.fact(c, &BUYER_REFERENCE, None);
                    Self::set(&mut self.facts.buyer_reference, f);
                }
                "OrderReference" => {
                    let f = t
                        .kid(c, "ID")
                        .and_then(|id| self.fact(id, &ORDER_REFERENCE, None));
                    Self::set(&mut self.facts.order_reference, f);
                }
                "InvoicePeriod" => {
                    let f = self.group(c, &INVOICE_PERIOD, None);
                    Self::set(&mut self.facts.invoice_period, f);
                }
                "Delivery" => {
                    let f = t
                        .kid(c, "ActualDeliveryDate")
                        .and_then(|d| self.fact(d, &DELIVERY_DATE, None));
                    Self::set(&mut self.facts.delivery_date, f);
                }
                "PaymentMeans" => {
                    for code in t.kids(c, "PaymentMeansCode").collect::<Vec<_>>() {
                        self.prose_attr(code, "name", &PAYMENT_MEANS_TEXT, None);
                    }
                }
                "PaymentTerms" => {
                    for note in t.kids(c, "Note").collect::<Vec<_>>() {
                        if let Some(f) = self.prose(note, &PAYMENT_TERMS, None) {
                            self.facts.payment_terms.push(f);
                        }
                    }
                }
                "AllowanceCharge" => self.allowance(c, None),
                "AccountingSupplierParty" => {
                    if self.facts.seller_contact.is_none()
                        && let Some(contact) = t.find(c, &["Party", "Contact"])
                    {
                        self.facts.seller_contact = Some(SellerContact {
                            range: t.els[contact].name.clone(),
                            xpath: t.xpath(contact),
                            name: t
                                .kid(contact, "Name")
                                .and_then(|x| self.fact(x, &CONTACT_NAME, None)),
                            phone: t
                                .kid(contact, "Telephone")
                                .and_then(|x| self.fact(x, &CONTACT_PHONE, None)),
                            email: t
                                .kid(contact, "ElectronicMail")
                                .and_then(|x| self.fact(x, &CONTACT_EMAIL, None)),
                        });
                    }
                }
                "InvoiceLine" | "CreditNoteLine" => {
                    n += 1;
                    self.ubl_line(c, n.to_string());
                }
                _ => {}
            }
        }
    }

    /// A UBL line and its XRechnung sub-lines, depth first without recursion.
    fn ubl_line(&mut self, line: usize, place: String) {
        let t = self.tree;
        let mut todo = vec![(line, place)];
        while let Some((id, number)) = todo.pop() {
            let place = format!("line {number}");
            let mut l = Line {
                place: place.clone(),
                name: None,
                description: None,
                seller_item_id: None,
                period: None,
            };
            let mut subs = Vec::new();
            for c in t.children(id) {
                match t.local(c) {
                    "Note" => {
                        self.prose(c, &LINE_NOTE, Some(&place));
                    }
                    "InvoicedQuantity" | "CreditedQuantity" => {
                        self.unit(c, &QUANTITY_UNIT, &place);
                    }
                    "InvoicePeriod" => {
                        let f = self.group(c, &LINE_PERIOD, Some(&place));
                        Self::set(&mut l.period, f);
                    }
                    "AllowanceCharge" => self.allowance(c, Some(&place)),
                    "Item" => {
                        for i in t.children(c) {
                            match t.local(i) {
                                "Description" => {
                                    let f = self.prose(i, &ITEM_DESCRIPTION, Some(&place));
                                    Self::set(&mut l.description, f);
                                }
                                "Name" => {
                                    let f = self.prose(i, &ITEM_NAME, Some(&place));
                                    Self::set(&mut l.name, f);
                                }
                                "SellersItemIdentification" => {
                                    let f = t
                                        .kid(i, "ID")
                                        .and_then(|x| self.fact(x, &SELLER_ITEM_ID, Some(&place)));
                                    Self::set(&mut l.seller_item_id, f);
                                }
                                "AdditionalItemProperty" => {
                                    if let Some(x) = t.kid(i, "Name") {
                                        self.prose(x, &ATTRIBUTE_NAME, Some(&place));
                                    }
                                    if let Some(x) = t.kid(i, "Value") {
                                        self.prose(x, &ATTRIBUTE_VALUE, Some(&place));
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                    "Price" => {
                        if let Some(b) = t.kid(c, "BaseQuantity") {
                            self.unit(b, &BASE_QUANTITY_UNIT, &place);
                        }
                    }
                    "SubInvoiceLine" | "SubCreditNoteLine" => {
                        subs.push((c, format!("{number}.{}", subs.len() + 1)));
                    }
                    _ => {}
                }
            }
            self.facts.lines.push(l);
            todo.extend(subs.into_iter().rev());
        }
    }

    /// An allowance or charge (UBL `cac:AllowanceCharge` or CII
    /// `ram:SpecifiedTradeAllowanceCharge`).
    fn allowance(&mut self, id: usize, place: Option<&str>) {
        let t = self.tree;
        let indicator = t
            .kid(id, "ChargeIndicator")
            .and_then(|c| t.descendants(c).find(|&d| t.text_range(d).is_some()))
            .map(|d| t.text(d).to_ascii_lowercase());
        let charge = matches!(indicator.as_deref(), Some("true" | "1"));
        let (reason_term, code_term) = allowance_terms(charge, place.is_some());
        let mut reason = None;
        let mut reason_code = None;
        for c in t.children(id) {
            match t.local(c) {
                "AllowanceChargeReason" | "Reason" => {
                    let f = self.prose(c, &reason_term, place);
                    Self::set(&mut reason, f);
                }
                "AllowanceChargeReasonCode" | "ReasonCode" => {
                    let f = self.fact(c, &code_term, place);
                    Self::set(&mut reason_code, f);
                }
                _ => {}
            }
        }
        self.facts.allowances.push(AllowanceCharge {
            charge,
            place: place.map(str::to_string),
            reason_code,
            reason,
            range: t.els[id].name.clone(),
        });
    }

    // --- CII ---------------------------------------------------------------

    fn cii(&mut self) {
        let t = self.tree;
        if let Some(doc) = t.kid(0, "ExchangedDocument") {
            for c in t.children(doc) {
                match t.local(c) {
                    "LanguageID" => {
                        let lang = t.text(c);
                        if !lang.is_empty() && self.lang.is_none() {
                            self.lang = Some(lang);
                        }
                    }
                    "IncludedNote" => {
                        for content in t.kids(c, "Content").collect::<Vec<_>>() {
                            self.prose(content, &INVOICE_NOTE, None);
                        }
                    }
                    _ => {}
                }
            }
        }
        let Some(tx) = t.kid(0, "SupplyChainTradeTransaction") else {
            return;
        };
        let mut n = 0;
        for c in t.children(tx) {
            match t.local(c) {
                "IncludedSupplyChainTradeLineItem" => {
                    n += 1;
                    self.cii_line(c, &format!("line {n}"));
                }
                "ApplicableHeaderTradeAgreement" => self.cii_agreement(c),
                "ApplicableHeaderTradeDelivery" => {
                    let f = t
                        .find(c, &["ActualDeliverySupplyChainEvent", "OccurrenceDateTime"])
                        .and_then(|d| self.fact(d, &DELIVERY_DATE, None));
                    Self::set(&mut self.facts.delivery_date, f);
                }
                "ApplicableHeaderTradeSettlement" => self.cii_settlement(c),
                _ => {}
            }
        }
    }

    fn cii_agreement(&mut self, agreement: usize) {
        let t = self.tree;
        for c in t.children(agreement) {
            match t.local(c) {
                "BuyerReference" => {
                    let f = self.fact(c, &BUYER_REFERENCE, None);
                    Self::set(&mut self.facts.buyer_reference, f);
                }
                "BuyerOrderReferencedDocument" => {
                    let f = t
                        .kid(c, "IssuerAssignedID")
                        .and_then(|x| self.fact(x, &ORDER_REFERENCE, None));
                    Self::set(&mut self.facts.order_reference, f);
                }
                "SellerTradeParty" => {
                    if self.facts.seller_contact.is_none()
                        && let Some(contact) = t.kid(c, "DefinedTradeContact")
                    {
                        let name = t
                            .kid(contact, "PersonName")
                            .and_then(|x| self.fact(x, &CONTACT_NAME, None))
                            .or_else(|| {
                                t.kid(contact, "DepartmentName")
                                    .and_then(|x| self.fact(x, &CONTACT_NAME, None))
                            });
                        self.facts.seller_contact = Some(SellerContact {
                            range: t.els[contact].name.clone(),
                            xpath: t.xpath(contact),
                            name,
                            phone: t
                                .find(
                                    contact,
                                    &["TelephoneUniversalCommunication", "CompleteNumber"],
                                )
                                .and_then(|x| self.fact(x, &CONTACT_PHONE, None)),
                            email: t
                                .find(contact, &["EmailURIUniversalCommunication", "URIID"])
                                .and_then(|x| self.fact(x, &CONTACT_EMAIL, None)),
                        });
                    }
                }
                _ => {}
            }
        }
    }

    fn cii_settlement(&mut self, settlement: usize) {
        let t = self.tree;
        for c in t.children(settlement) {
            match t.local(c) {
                "SpecifiedTradeSettlementPaymentMeans" => {
                    for info in t.kids(c, "Information").collect::<Vec<_>>() {
                        self.prose(info, &PAYMENT_MEANS_TEXT, None);
                    }
                }
                "BillingSpecifiedPeriod" => {
                    let f = self.group(c, &INVOICE_PERIOD, None);
                    Self::set(&mut self.facts.invoice_period, f);
                }
                "SpecifiedTradeAllowanceCharge" => self.allowance(c, None),
                "SpecifiedTradePaymentTerms" => {
                    for d in t.kids(c, "Description").collect::<Vec<_>>() {
                        if let Some(f) = self.prose(d, &PAYMENT_TERMS, None) {
                            self.facts.payment_terms.push(f);
                        }
                    }
                    let f = t
                        .kid(c, "DueDateDateTime")
                        .and_then(|d| self.fact(d, &DUE_DATE, None));
                    Self::set(&mut self.facts.due_date, f);
                }
                _ => {}
            }
        }
    }

    fn cii_line(&mut self, line: usize, place: &str) {
        let t = self.tree;
        let mut l = Line {
            place: place.to_string(),
            name: None,
            description: None,
            seller_item_id: None,
            period: None,
        };
        for c in t.children(line) {
            match t.local(c) {
                "AssociatedDocumentLineDocument" => {
                    for note in t.kids(c, "IncludedNote").collect::<Vec<_>>() {
                        for content in t.kids(note, "Content").collect::<Vec<_>>() {
                            self.prose(content, &LINE_NOTE, Some(place));
                        }
                    }
                }
                "SpecifiedTradeProduct" => {
                    for p in t.children(c) {
                        match t.local(p) {
                            "Name" => {
                                let f = self.prose(p, &ITEM_NAME, Some(place));
                                Self::set(&mut l.name, f);
                            }
                            "Description" => {
                                let f = self.prose(p, &ITEM_DESCRIPTION, Some(place));
                                Self::set(&mut l.description, f);
                            }
                            "SellerAssignedID" => {
                                let f = self.fact(p, &SELLER_ITEM_ID, Some(place));
                                Self::set(&mut l.seller_item_id, f);
                            }
                            "ApplicableProductCharacteristic" => {
                                if let Some(x) = t.kid(p, "Description") {
                                    self.prose(x, &ATTRIBUTE_NAME, Some(place));
                                }
                                if let Some(x) = t.kid(p, "Value") {
                                    self.prose(x, &ATTRIBUTE_VALUE, Some(place));
                                }
                            }
                            _ => {}
                        }
                    }
                }
                "SpecifiedLineTradeAgreement" => {
                    for price in t.children(c).collect::<Vec<_>>() {
                        if let Some(b) = t.kid(price, "BasisQuantity") {
                            self.unit(b, &BASE_QUANTITY_UNIT, place);
                        }
                    }
                }
                "SpecifiedLineTradeDelivery" => {
                    if let Some(q) = t.kid(c, "BilledQuantity") {
                        self.unit(q, &QUANTITY_UNIT, place);
                    }
                }
                "SpecifiedLineTradeSettlement" => {
                    for s in t.children(c) {
                        match t.local(s) {
                            "BillingSpecifiedPeriod" => {
                                let f = self.group(s, &LINE_PERIOD, Some(place));
                                Self::set(&mut l.period, f);
                            }
                            "SpecifiedTradeAllowanceCharge" => self.allowance(s, Some(place)),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        self.facts.lines.push(l);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UBL_HEAD: &str = r#"<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">"#;

    fn ubl(body: &str) -> String {
        format!("{UBL_HEAD}{body}</Invoice>")
    }

    fn invalid_at(src: &str) -> (String, usize) {
        match read(src.as_bytes()) {
            Err(ReadError::Invalid {
                message,
                offset: Some(o),
                ..
            }) => (message, o),
            other => panic!("expected Invalid with an offset, got {other:?}"),
        }
    }

    fn field_of(doc: &Document, text: &str) -> Field {
        doc.segments
            .iter()
            .find(|s| s.text.trim() == text)
            .and_then(|s| s.field.clone())
            .unwrap_or_else(|| panic!("no segment {text:?}"))
    }

    #[test]
    fn item_fields_have_term_xpath_and_line() {
        let src = ubl("<cbc:Note>Thanks</cbc:Note>\
             <cac:InvoiceLine><cbc:ID>1</cbc:ID><cac:Item><cbc:Name>Filter</cbc:Name></cac:Item></cac:InvoiceLine>\
             <cac:InvoiceLine><cbc:ID>2</cbc:ID><cbc:Note>Rush</cbc:Note>\
             <cac:Item><cbc:Description>Hose, cut to length</cbc:Description><cbc:Name>Rubber hose</cbc:Name>\
             <cac:AdditionalItemProperty><cbc:Name>Colour</cbc:Name><cbc:Value>Black</cbc:Value></cac:AdditionalItemProperty>\
             </cac:Item></cac:InvoiceLine>");
        let doc = read(src.as_bytes()).unwrap();
        assert_eq!(
            field_of(&doc, "Rubber hose"),
            Field {
                bt: Some("BT-153".into()),
                name: "Item name".into(),
                xpath: Some("/Invoice/cac:InvoiceLine[2]/cac:Item/cbc:Name".into()),
                place: Some("line 2".into()),
            }
        );
        let note = field_of(&doc, "Thanks");
        assert_eq!(note.bt.as_deref(), Some("BT-22"));
        assert_eq!(note.xpath.as_deref(), Some("/Invoice/cbc:Note"));
        assert_eq!(note.place, None);
        assert_eq!(field_of(&doc, "Rush").bt.as_deref(), Some("BT-127"));
        assert_eq!(
            field_of(&doc, "Colour").xpath.as_deref(),
            Some("/Invoice/cac:InvoiceLine[2]/cac:Item/cac:AdditionalItemProperty/cbc:Name")
        );
        assert_eq!(field_of(&doc, "Black").bt.as_deref(), Some("BT-161"));
        // Identifiers are not prose.
        assert!(doc.segments.iter().all(|s| s.text != "1" && s.text != "2"));
        let facts = doc.invoice.unwrap();
        assert_eq!(facts.lines.len(), 2);
        assert_eq!(facts.lines[1].name.as_ref().unwrap().value, "Rubber hose");
    }

    #[test]
    fn entities_map_onto_their_source_bytes() {
        let src = ubl("<cbc:Note>R&amp;D &#233;t&#xE9; fee</cbc:Note>");
        let doc = read(src.as_bytes()).unwrap();
        let seg = &doc.segments[0];
        assert_eq!(seg.text, "R&D été fee");
        assert_eq!(&src[seg.to_source(&(0..3))], "R&amp;D");
        let fee = seg.text.find("fee").unwrap();
        assert_eq!(&src[seg.to_source(&(fee..fee + 3))], "fee");
        let ete = seg.text.find("été").unwrap();
        assert_eq!(
            &src[seg.to_source(&(ete..ete + "été".len()))],
            "&#233;t&#xE9;"
        );
    }

    #[test]
    fn cdata_is_verbatim() {
        let src = ubl("<cbc:Note><![CDATA[Terms & <conditions>]]> apply</cbc:Note>");
        let doc = read(src.as_bytes()).unwrap();
        let seg = &doc.segments[0];
        assert_eq!(seg.text, "Terms & <conditions> apply");
        let r = seg.to_source(&(0..seg.text.len()));
        assert_eq!(&src[r], "Terms & <conditions>]]> apply");
        let c = seg.text.find("conditions").unwrap();
        assert_eq!(&src[seg.to_source(&(c..c + 10))], "conditions");
    }

    #[test]
    fn entity_declarations_are_refused() {
        let xxe = format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n{}",
            ubl("<cbc:Note>&xxe;</cbc:Note>")
        );
        let (msg, at) = invalid_at(&xxe);
        assert!(msg.contains("DTD entity declarations"), "{msg}");
        assert_eq!(at, xxe.find("<!DOCTYPE").unwrap());

        let laughs = format!(
            "<!DOCTYPE Invoice [\n <!ENTITY lol \"lol\">\n <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n]>\n{}",
            ubl("<cbc:Note>&lol3;</cbc:Note>")
        );
        let (msg, at) = invalid_at(&laughs);
        assert!(msg.contains("billion laughs"), "{msg}");
        assert_eq!(at, 0);
    }

    #[test]
    fn undefined_entities_are_refused_where_they_are() {
        let src = ubl("<cbc:Note>Fee &nbsp; due</cbc:Note>");
        let (msg, at) = invalid_at(&src);
        assert!(msg.contains("&nbsp;"), "{msg}");
        assert_eq!(&src[at..at + 6], "&nbsp;");

        let src = ubl(
            "<cac:InvoiceLine><cbc:InvoicedQuantity unitCode=\"&foo;\">1</cbc:InvoicedQuantity></cac:InvoiceLine>",
        );
        let (_, at) = invalid_at(&src);
        assert_eq!(&src[at..at + 5], "&foo;");
    }

    #[test]
    fn truncated_files_are_invalid() {
        let whole = ubl("<cbc:Note>Thanks for your order</cbc:Note>");
        for cut in [whole.len() - 3, whole.len() - 25, UBL_HEAD.len() + 5] {
            let (msg, at) = invalid_at(&whole[..cut]);
            assert!(msg.contains("truncated"), "{cut}: {msg}");
            assert!(at <= cut, "{cut}: {at}");
        }
        let (msg, at) = invalid_at(&whole.replace("</cbc:Note>", "</cbc:Nope>"));
        assert!(msg.contains("</cbc:Nope>"), "{msg}");
        assert!(at > UBL_HEAD.len());
    }

    #[test]
    fn never_panics_on_any_cut_and_refuses_deep_nesting() {
        let whole = include_str!("../../fixtures/invoices/nordwind-ubl-jargon.xml");
        for cut in (0..whole.len()).step_by(7) {
            let Some(part) = whole.get(..cut) else {
                continue;
            };
            match read(part.as_bytes()) {
                Ok(_) | Err(ReadError::Skip(_)) => {}
                Err(ReadError::Invalid { offset, .. }) => {
                    assert!(offset.is_some_and(|o| o <= cut), "{cut}")
                }
            }
        }
        let deep = ubl(&"<cac:InvoiceLine>".repeat(10_000));
        let (msg, _) = invalid_at(&deep);
        assert!(msg.contains("nested"), "{msg}");
    }

    #[test]
    fn other_xml_is_skipped() {
        for src in [
            "<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><name>x</name></project>",
            "<Invoice><cbc:Note>no namespace</cbc:Note></Invoice>",
            "<Invoice xmlns=\"urn:example:not-ubl\"/>",
            "<!DOCTYPE html [<!ENTITY x \"y\">]><html>&x;</html>",
            "",
            "<!-- only a comment -->",
        ] {
            assert!(
                matches!(read(src.as_bytes()), Err(ReadError::Skip(_))),
                "{src}"
            );
        }
    }

    #[test]
    fn not_utf8_is_invalid() {
        let mut bytes = ubl("<cbc:Note>Gr").into_bytes();
        bytes.push(0xFC);
        assert!(matches!(read(&bytes), Err(ReadError::Invalid { .. })));
    }

    #[test]
    fn sub_lines_and_credit_notes_are_lines() {
        let src = r#"<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
<cac:CreditNoteLine><cbc:CreditedQuantity unitCode="C62">1</cbc:CreditedQuantity><cac:Item><cbc:Name>Credit</cbc:Name></cac:Item>
<cac:SubCreditNoteLine><cac:Item><cbc:Name>Part one</cbc:Name></cac:Item></cac:SubCreditNoteLine>
<cac:SubCreditNoteLine><cac:Item><cbc:Name>Part two</cbc:Name></cac:Item></cac:SubCreditNoteLine>
</cac:CreditNoteLine></CreditNote>"#;
        let doc = read(src.as_bytes()).unwrap();
        let facts = doc.invoice.as_ref().unwrap();
        assert_eq!(facts.kind, Kind::CreditNote);
        let places: Vec<_> = facts.lines.iter().map(|l| l.place.as_str()).collect();
        assert_eq!(places, ["line 1", "line 1.1", "line 1.2"]);
        let f = field_of(&doc, "Part two");
        assert_eq!(
            f.xpath.as_deref(),
            Some("/CreditNote/cac:CreditNoteLine/cac:SubCreditNoteLine[2]/cac:Item/cbc:Name")
        );
        assert_eq!(facts.units[0].value, "C62");
        assert_eq!(&src[facts.units[0].range.clone()], "C62");
    }

    #[test]
    fn cii_fields_facts_and_language() {
        let src = r#"<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
<rsm:ExchangedDocument><ram:TypeCode>380</ram:TypeCode><ram:LanguageID>de</ram:LanguageID><ram:IncludedNote><ram:Content>Danke</ram:Content></ram:IncludedNote></rsm:ExchangedDocument>
<rsm:SupplyChainTradeTransaction>
<ram:IncludedSupplyChainTradeLineItem><ram:SpecifiedTradeProduct><ram:SellerAssignedID>A-1</ram:SellerAssignedID><ram:Name>Schlauch</ram:Name></ram:SpecifiedTradeProduct>
<ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="MTR">3</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery></ram:IncludedSupplyChainTradeLineItem>
<ram:ApplicableHeaderTradeSettlement><ram:SpecifiedTradePaymentTerms><ram:Description>Zahlbar sofort</ram:Description><ram:DueDateDateTime><udt:DateTimeString format="102">20260517</udt:DateTimeString></ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms></ram:ApplicableHeaderTradeSettlement>
</rsm:SupplyChainTradeTransaction></rsm:CrossIndustryInvoice>"#;
        let doc = read(src.as_bytes()).unwrap();
        assert_eq!(doc.meta.lang.as_deref(), Some("de"));
        let name = field_of(&doc, "Schlauch");
        assert_eq!(
            name.xpath.as_deref(),
            Some(
                "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedTradeProduct/ram:Name"
            )
        );
        assert_eq!(name.place.as_deref(), Some("line 1"));
        assert_eq!(field_of(&doc, "Danke").bt.as_deref(), Some("BT-22"));
        assert_eq!(
            field_of(&doc, "Zahlbar sofort").bt.as_deref(),
            Some("BT-20")
        );
        let facts = doc.invoice.unwrap();
        assert_eq!(facts.syntax, Syntax::Cii);
        assert_eq!(facts.due_date.as_ref().unwrap().value, "20260517");
        assert_eq!(&src[facts.due_date.clone().unwrap().range], "20260517");
        assert_eq!(facts.lines[0].seller_item_id.as_ref().unwrap().value, "A-1");
        assert_eq!(&src[facts.root.clone()], "rsm:CrossIndustryInvoice");
        assert_eq!(
            facts.expected_xpath(&[
                "rsm:SupplyChainTradeTransaction",
                "ram:ApplicableHeaderTradeAgreement"
            ]),
            "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
        );
    }

    #[test]
    fn payment_means_text_is_an_attribute_segment() {
        let src = ubl(
            "<cac:PaymentMeans><cbc:PaymentMeansCode name=\"Credit transfer &amp; SEPA\">58</cbc:PaymentMeansCode></cac:PaymentMeans>",
        );
        let doc = read(src.as_bytes()).unwrap();
        let seg = &doc.segments[0];
        assert_eq!(seg.text, "Credit transfer & SEPA");
        let f = seg.field.as_ref().unwrap();
        assert_eq!(f.bt.as_deref(), Some("BT-82"));
        assert_eq!(
            f.xpath.as_deref(),
            Some("/Invoice/cac:PaymentMeans/cbc:PaymentMeansCode/@name")
        );
        let sepa = seg.text.find("SEPA").unwrap();
        assert_eq!(&src[seg.to_source(&(sepa..sepa + 4))], "SEPA");
    }

    #[test]
    fn comments_become_directives() {
        let src = ubl("<!-- plainly-disable-next-line RSTK --><cbc:Note>RSTK</cbc:Note>");
        let doc = read(src.as_bytes()).unwrap();
        assert_eq!(doc.directives[0].text, "plainly-disable-next-line RSTK");
        assert_eq!(
            &src[doc.directives[0].range.clone()],
            "<!-- plainly-disable-next-line RSTK -->"
        );
    }

    #[test]
    fn prefixed_ubl_root_is_read() {
        let src = r#"<ubl:Invoice xmlns:ubl="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"><cbc:Note>Hi</cbc:Note></ubl:Invoice>"#;
        let doc = read(src.as_bytes()).unwrap();
        let facts = doc.invoice.as_ref().unwrap();
        assert_eq!(&src[facts.root.clone()], "ubl:Invoice");
        assert_eq!(
            facts.expected_xpath(&["cac:OrderReference", "cbc:ID"]),
            "/ubl:Invoice/cac:OrderReference/cbc:ID"
        );
        assert_eq!(
            field_of(&doc, "Hi").xpath.as_deref(),
            Some("/ubl:Invoice/cbc:Note")
        );
    }
}
