//! Markdown (CommonMark with tables, footnotes, task lists, strikethrough)
//! via pulldown-cmark. Prose is headings, paragraphs, list items, block
//! quotes, table cells, link text and image alt text. Code, raw HTML,
//! comments, link destinations, autolinks and YAML front matter are not read
//! (bare URLs and addresses inside prose are masked by the rules).

use pulldown_cmark::{Event, LinkType, MetadataBlockKind, Options, Parser, Tag, TagEnd};
use serde::Deserialize;

use super::ReadError;
use crate::document::{Directive, Document, Meta, Segment};

/// Reads a Markdown file.
pub fn read(src: &str) -> Result<Document, ReadError> {
    let mut doc = Document::new(src.to_string());
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let mut seg = Segment::new(0);
    // Depth of constructs whose text is not prose (code blocks, autolinks,
    // front matter).
    let mut skip = 0usize;
    // Open links: the segment offset where their text starts, or `None` for
    // an autolink, whose text is an address and not prose.
    let mut links: Vec<Option<usize>> = Vec::new();
    let mut html_block: Option<std::ops::Range<usize>> = None;

    for (event, range) in Parser::new_ext(src, options).into_offset_iter() {
        match event {
            Event::Start(tag) => match tag {
                Tag::CodeBlock(_) => {
                    flush(&mut doc, &mut seg);
                    skip += 1;
                }
                Tag::MetadataBlock(MetadataBlockKind::YamlStyle) => {
                    flush(&mut doc, &mut seg);
                    skip += 1;
                    doc.meta = front_matter(src, range.clone())?;
                }
                Tag::MetadataBlock(_) => skip += 1,
                Tag::Link {
                    link_type: LinkType::Autolink | LinkType::Email,
                    ..
                } => {
                    links.push(None);
                    skip += 1;
                }
                Tag::Link { .. } => links.push(Some(seg.text.len())),
                Tag::HtmlBlock => {
                    flush(&mut doc, &mut seg);
                    html_block = Some(range.clone());
                }
                Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Image { .. } => {}
                _ => flush(&mut doc, &mut seg),
            },
            Event::End(end) => match end {
                TagEnd::CodeBlock | TagEnd::MetadataBlock(_) => skip = skip.saturating_sub(1),
                TagEnd::Link => match links.pop() {
                    Some(Some(from)) => seg.mark_link(from),
                    Some(None) => skip = skip.saturating_sub(1),
                    None => {}
                },
                TagEnd::HtmlBlock => {
                    if let Some(r) = html_block.take() {
                        comments(src, r, &mut doc.directives);
                    }
                }
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Image => {}
                _ => flush(&mut doc, &mut seg),
            },
            Event::Text(text) if skip == 0 => {
                // Most text is a slice of `src` itself: then the addresses
                // say it is verbatim, without comparing the bytes.
                let same_place =
                    std::ptr::eq(text.as_ptr(), src.as_ptr().wrapping_add(range.start))
                        && text.len() == range.len();
                if same_place || src.get(range.clone()) == Some(&*text) {
                    seg.push_verbatim(&text, range.start);
                } else {
                    seg.push_decoded(&text, range);
                }
            }
            Event::SoftBreak | Event::HardBreak if skip == 0 => {
                seg.push_decoded("\n", range);
            }
            Event::Code(_) => flush(&mut doc, &mut seg),
            Event::InlineHtml(_) | Event::Html(_) if html_block.is_none() => {
                comments(src, range, &mut doc.directives);
                flush(&mut doc, &mut seg);
            }
            Event::Rule => flush(&mut doc, &mut seg),
            _ => {}
        }
    }
    flush(&mut doc, &mut seg);
    Ok(doc)
}

/// Ends the segment being built: it is kept when it holds prose, and the
/// next one starts empty (see [`Document::push_built`]).
fn flush(doc: &mut Document, seg: &mut Segment) {
    doc.push_built(seg);
}

/// HTML comments in `range` of `src`, as directives for suppressions.
fn comments(src: &str, range: std::ops::Range<usize>, out: &mut Vec<Directive>) {
    let Some(html) = src.get(range.clone()) else {
        return;
    };
    let mut at = 0;
    while let Some(open) = html[at..].find("<!--") {
        let body_start = at + open + 4;
        let Some(close) = html[body_start..].find("-->") else {
            break;
        };
        let body_end = body_start + close;
        out.push(Directive {
            text: html[body_start..body_end].trim().to_string(),
            range: range.start + at + open..range.start + body_end + 3,
        });
        at = body_end + 3;
    }
}

#[derive(Deserialize, Default)]
struct FrontMatter {
    #[serde(default)]
    audience: Option<OneOrMany>,
    #[serde(default)]
    lang: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// Reads `audience:` and `lang:` from the front matter block at `range`;
/// other keys belong to the site generator and are ignored, and a block
/// that names neither is not parsed at all (YAML parsing was a tenth of the
/// time spent on a documentation tree whose pages all carry a title).
fn front_matter(src: &str, range: std::ops::Range<usize>) -> Result<Meta, ReadError> {
    let block = src.get(range.clone()).unwrap_or("");
    // The block range covers the `---` fences; parse what is between them.
    let body_start = block.find('\n').map_or(block.len(), |i| i + 1);
    let body_end = block
        .trim_end()
        .rfind('\n')
        .unwrap_or(block.len())
        .max(body_start);
    let body = &block[body_start..body_end];
    if !body.contains("audience") && !body.contains("lang") {
        return Ok(Meta::default());
    }
    let fm: FrontMatter = serde_saphyr::from_str(body).map_err(|e| {
        let line = e.location().map(|l| l.line() as usize).unwrap_or(1)
            + src[..range.start + body_start].matches('\n').count();
        ReadError::Invalid {
            message: format!(
                "front matter is not valid YAML (line {line}): {}",
                first_line(&e.to_string())
            ),
            help:
                "fix the YAML between the `---` lines; `audience:` takes a role or a list of roles"
                    .into(),
            offset: Some(range.start),
        }
    })?;
    Ok(Meta {
        audience: fm.audience.map(|a| match a {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }),
        lang: fm.lang,
    })
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The prose of each segment, as the reader sees it.
    fn prose(src: &str) -> Vec<String> {
        read(src).unwrap().prose()
    }

    #[test]
    fn skips_code_html_and_front_matter() {
        let src = "---\naudience: [finance]\nlang: en\n---\n# Title DDP\n\n```\nDDP code\n```\n\n    indented DDP\n\nText `DDP` and <b>x</b> <!-- DDP -->.\n";
        let doc = read(src).unwrap();
        assert_eq!(doc.meta.audience, Some(vec!["finance".to_string()]));
        assert_eq!(doc.meta.lang.as_deref(), Some("en"));
        let texts: Vec<_> = doc.segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, vec!["Title DDP", "Text ", " and ", "x", "."]);
        assert_eq!(doc.directives[0].text, "DDP");
    }

    #[test]
    fn front_matter_is_parsed_only_when_it_names_our_keys() {
        // The site generator's keys are not ours to judge...
        let other = read("---\ntitle: [unclosed\n---\nText.\n").unwrap();
        assert_eq!(other.meta.audience, None);
        // ...but a block that sets the audience must be valid YAML.
        let Err(ReadError::Invalid { message, .. }) =
            read("---\naudience: [unclosed\n---\nText.\n")
        else {
            panic!("invalid front matter with an audience was accepted");
        };
        assert!(
            message.contains("front matter is not valid YAML"),
            "{message}"
        );
        let quoted = read("---\n\"lang\": sv\n---\nText.\n").unwrap();
        assert_eq!(quoted.meta.lang.as_deref(), Some("sv"));
    }

    #[test]
    fn link_text_and_alt_text_are_prose_destinations_are_not() {
        let doc = read("See [the DDP terms](https://x.example/ddp \"DDP\") and ![DDP map](ddp.png) <https://ddp.example>.\n").unwrap();
        let seg = &doc.segments[0];
        assert_eq!(seg.text, "See the DDP terms and DDP map .");
        assert_eq!(&seg.text[seg.links[0].clone()], "the DDP terms");
    }

    #[test]
    fn entities_map_to_their_source_bytes() {
        let src = "R&amp;D fee";
        let doc = read(src).unwrap();
        let seg = &doc.segments[0];
        assert_eq!(seg.text, "R&D fee");
        assert_eq!(&src[seg.to_source(&(0..3))], "R&amp;D");
        assert_eq!(&src[seg.to_source(&(4..7))], "fee");
    }

    #[test]
    fn soft_breaks_join_lines_inside_block_quotes() {
        let src = "> minimum order\n> quantity applies\n";
        let doc = read(src).unwrap();
        let seg = &doc.segments[0];
        assert_eq!(seg.text, "minimum order\nquantity applies");
        assert_eq!(&src[seg.to_source(&(0..22))], "minimum order\n> quantity");
    }

    #[test]
    fn table_cells_are_separate_segments() {
        assert_eq!(
            prose("| a | b |\n|---|---|\n| net | 30 |\n"),
            vec!["a", "b", "net", "30"]
        );
    }
}
