//! HTML pages and HTML email parts, parsed with lol_html (a streaming HTML5
//! tokenizer that reports source byte ranges). Prose is text nodes plus
//! `alt` and `title` attribute values; `script`, `style`, `code`, `pre`,
//! `template`, `textarea` and all other attributes are not read. Block
//! elements end a segment; inline elements do not, so a term may span
//! `minimum <b>order</b> quantity`.

use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;
use std::sync::LazyLock;

use lol_html::{HtmlRewriter, Settings, doc_comments, doc_text, element};
use regex::Regex;

use super::ReadError;
use crate::document::{Directive, Document, Segment};

/// Elements whose content is not prose.
const SKIPPED: &str = "script, style, code, pre, template, textarea, noscript, svg, math";

/// Elements that do not break the flow of a sentence.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "data", "del", "dfn", "em", "font", "i", "ins", "kbd",
    "label", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
    "wbr", "img",
];

static PROSE_ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?is)\s(alt|title)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))"#)
        .expect("static regex")
});

enum Event {
    Text(Range<usize>),
    Break,
    LinkStart,
    LinkEnd,
    /// An `alt` or `title` value: a segment of its own.
    Attr(Range<usize>),
    Comment(Range<usize>, String),
}

/// Reads an HTML file.
pub fn read(src: &str) -> Result<Document, ReadError> {
    let mut doc = Document::new(src.to_string());
    read_into(&mut doc, src, 0, 0)?;
    Ok(doc)
}

/// Appends the prose of `html` to `doc` as segments of source `source`;
/// `base` is the offset of `html` within that source.
pub fn read_into(
    doc: &mut Document,
    html: &str,
    source: usize,
    base: usize,
) -> Result<(), ReadError> {
    let events: Rc<RefCell<Vec<Event>>> = Rc::default();
    let skip_depth: Rc<RefCell<usize>> = Rc::default();
    {
        let ev_text = events.clone();
        let ev_el = events.clone();
        let ev_skip = skip_depth.clone();
        let ev_skip_text = skip_depth.clone();
        let ev_comment = events.clone();
        let mut rewriter = HtmlRewriter::new(
            Settings {
                element_content_handlers: vec![
                    element!(SKIPPED, move |el| {
                        *ev_skip.borrow_mut() += 1;
                        let depth = ev_skip.clone();
                        if let Some(handlers) = el.end_tag_handlers() {
                            let h: lol_html::EndTagHandler<'static> = Box::new(move |_end| {
                                let mut d = depth.borrow_mut();
                                *d = d.saturating_sub(1);
                                Ok(())
                            });
                            handlers.push(h);
                        } else {
                            let mut d = depth.borrow_mut();
                            *d = d.saturating_sub(1);
                        }
                        Ok(())
                    }),
                    element!("*", move |el| {
                        let name = el.tag_name();
                        let inline = INLINE.contains(&name.as_str());
                        let link = name == "a";
                        let tag = el.source_location().bytes();
                        let mut evs = ev_el.borrow_mut();
                        if link {
                            evs.push(Event::LinkStart);
                        } else if !inline {
                            evs.push(Event::Break);
                        }
                        if el.get_attribute("alt").is_some() || el.get_attribute("title").is_some()
                        {
                            for r in attribute_values(html, tag.clone()) {
                                evs.push(Event::Attr(r));
                            }
                        }
                        drop(evs);
                        if let Some(handlers) = el.end_tag_handlers()
                            && (link || !inline)
                        {
                            let evs = ev_el.clone();
                            let h: lol_html::EndTagHandler<'static> = Box::new(move |_end| {
                                evs.borrow_mut().push(if link {
                                    Event::LinkEnd
                                } else {
                                    Event::Break
                                });
                                Ok(())
                            });
                            handlers.push(h);
                        }
                        Ok(())
                    }),
                ],
                document_content_handlers: vec![
                    doc_text!(move |t| {
                        if *ev_skip_text.borrow() == 0 {
                            ev_text
                                .borrow_mut()
                                .push(Event::Text(t.source_location().bytes()));
                        }
                        Ok(())
                    }),
                    doc_comments!(move |c| {
                        ev_comment
                            .borrow_mut()
                            .push(Event::Comment(c.source_location().bytes(), c.text()));
                        Ok(())
                    }),
                ],
                ..Settings::new()
            },
            |_: &[u8]| {},
        );
        rewriter
            .write(html.as_bytes())
            .and_then(|_| rewriter.end())
            .map_err(|e| {
                ReadError::invalid(
                    format!("cannot parse HTML: {e}"),
                    "check the HTML is well-formed",
                )
            })?;
    }

    let events = std::mem::take(&mut *events.borrow_mut());
    let mut seg = Segment::new(source);
    let mut links: Vec<usize> = Vec::new();
    for ev in events {
        match ev {
            Event::Text(r) => {
                if let Some(raw) = html.get(r.clone()) {
                    seg.push_escaped(raw, base + r.start, true);
                }
            }
            Event::Break => flush(doc, &mut seg, source),
            Event::LinkStart => links.push(seg.text.len()),
            Event::LinkEnd => {
                if let Some(from) = links.pop() {
                    seg.mark_link(from);
                }
            }
            Event::Attr(r) => {
                let mut a = Segment::new(source);
                if let Some(raw) = html.get(r.clone()) {
                    a.push_escaped(raw, base + r.start, true);
                }
                doc.push(a);
            }
            Event::Comment(r, text) => {
                if source == 0 {
                    doc.directives.push(Directive {
                        text: text.trim().to_string(),
                        range: base + r.start..base + r.end,
                    });
                }
            }
        }
    }
    flush(doc, &mut seg, source);
    Ok(())
}

fn flush(doc: &mut Document, seg: &mut Segment, source: usize) {
    let done = std::mem::replace(seg, Segment::new(source));
    doc.push(done);
}

/// The ranges of `alt` and `title` values inside the start tag at `tag`.
fn attribute_values(html: &str, tag: Range<usize>) -> Vec<Range<usize>> {
    let Some(raw) = html.get(tag.clone()) else {
        return Vec::new();
    };
    PROSE_ATTR
        .captures_iter(raw)
        .filter_map(|c| c.get(2).or(c.get(3)).or(c.get(4)))
        .map(|m| tag.start + m.start()..tag.start + m.end())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prose(src: &str) -> Vec<String> {
        read(src).unwrap().prose()
    }

    #[test]
    fn text_only_no_scripts_or_code() {
        assert_eq!(
            prose(
                "<p>Our <b>DDP</b> price</p><script>var DDP=1</script><style>.ddp{}</style><pre>DDP</pre><p>x <code>DDP</code> y</p>"
            ),
            vec!["Our DDP price", "x ", " y"]
        );
    }

    #[test]
    fn multi_word_terms_span_inline_tags_and_map_back() {
        let src = "<p>minimum <b>order</b> quantity</p>";
        let doc = read(src).unwrap();
        let seg = &doc.segments[0];
        assert_eq!(seg.text, "minimum order quantity");
        assert_eq!(
            &src[seg.to_source(&(0..seg.text.len()))],
            "minimum <b>order</b> quantity"
        );
    }

    #[test]
    fn alt_and_title_are_prose_other_attributes_are_not() {
        let src =
            r#"<p><img src="ddp.png" alt="DDP map"><a href="/rma" title='RMA form'>form</a></p>"#;
        let doc = read(src).unwrap();
        let texts: Vec<_> = doc.segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, vec!["DDP map", "RMA form", "form"]);
        let alt = &doc.segments[0];
        assert_eq!(&src[alt.to_source(&(0..3))], "DDP");
    }

    #[test]
    fn entities_decode_with_exact_offsets() {
        let src = "<p>R&amp;D&nbsp;fee</p>";
        let doc = read(src).unwrap();
        let seg = &doc.segments[0];
        assert_eq!(seg.text, "R&D\u{a0}fee");
        let fee = seg.text.find("fee").unwrap();
        assert_eq!(&src[seg.to_source(&(fee..fee + 3))], "fee");
        assert_eq!(&src[seg.to_source(&(0..3))], "R&amp;D");
    }

    #[test]
    fn comments_become_directives() {
        let doc = read("<!-- plainly-disable-next-line DDP -- ok --><p>DDP</p>").unwrap();
        assert_eq!(
            doc.directives[0].text,
            "plainly-disable-next-line DDP -- ok"
        );
    }
}
