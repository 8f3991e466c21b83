//! Where a token is in the text: the span a node's key or value is shown at.
//!
//! `saphyr-parser` gives each event a span, but not always the one a person points at: a
//! block sequence in a mapping value starts at its first item rather than at the `-`, a block
//! scalar at its content rather than at its header (`|-`), a node's span includes its anchor
//! and tag, and the end of a quoted scalar can be off after non-ASCII characters. The
//! [`Locator`] walks the text between events to find the token itself (see
//! [`super::spans`] for what is recorded).

use saphyr_parser::{Marker, ScalarStyle, Span as RawSpan};

use super::spans::Span;

/// What a node event is, for locating it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum NodeEvent {
    Scalar { style: ScalarStyle, empty: bool },
    Map,
    Seq,
    Alias,
}

/// The scanner's indicator looked for in the text between two events.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Indicator {
    /// `|` or `>` of a block scalar header.
    BlockScalar,
    /// `-` of a block sequence entry.
    Dash,
}

/// Locates tokens in `text`, event after event (events come in text order, so the cursor
/// mapping character indices to byte offsets moves little between look-ups).
pub(crate) struct Locator<'t> {
    text: &'t str,
    cursor_char: usize,
    cursor_byte: usize,
    /// The text is ASCII: a character index is its byte offset.
    ascii: bool,
    line_count: usize,
    last_line_chars: usize,
    /// End of the previous event.
    prev_end: Marker,
    /// The end of the quoted scalar just located.
    quoted_end: Option<Marker>,
}

impl<'t> Locator<'t> {
    /// A locator for `text`, which has `line_count` lines.
    pub(crate) fn new(text: &'t str, line_count: usize) -> Locator<'t> {
        let last_line = text.rsplit(['\n', '\r']).next().unwrap_or_default();
        Locator {
            text,
            cursor_char: 0,
            cursor_byte: 0,
            ascii: text.is_ascii(),
            line_count,
            last_line_chars: last_line.chars().count(),
            prev_end: Marker::new(0, 1, 0),
            quoted_end: None,
        }
    }

    /// To be called after each event: the end of its span is where the next search starts.
    /// (saphyr-parser's end of a quoted scalar can be wrong after non-ASCII characters: the
    /// end found while locating it is used instead.)
    pub(crate) fn end_event(&mut self, span: RawSpan) {
        self.prev_end = self.quoted_end.take().unwrap_or(span.end);
    }

    /// The location of a node's token (see the module documentation). `map_value` tells a
    /// node in value position of a mapping entry (where a sequence may be indentless).
    pub(crate) fn value_span(&mut self, kind: NodeEvent, span: RawSpan, map_value: bool) -> Span {
        let start = self.pos(span.start);
        match kind {
            NodeEvent::Scalar {
                style: ScalarStyle::Literal | ScalarStyle::Folded,
                ..
            } => match self.find_in_gap(self.prev_end, start.char_index, Indicator::BlockScalar) {
                Some((pos, len)) => span_at(pos, len),
                None => span_at(start, 0),
            },
            NodeEvent::Scalar {
                style: ScalarStyle::Plain,
                empty: true,
            } => {
                // Where libyaml puts an empty value: just after the `:` (saphyr: on it).
                let start = self.skip_properties(start, span.end.index());
                // In flow style, libyaml puts it at the `,`, `}` or `]` that follows.
                let Some((':', after)) = self.step(start) else {
                    return span_at(start, 0);
                };
                let mut next = after;
                while let Some((' ' | '\t', p)) = self.step(next) {
                    next = p;
                }
                match self.char_at(next) {
                    Some(',' | '}' | ']') => span_at(next, 0),
                    _ => span_at(after, 0),
                }
            }
            NodeEvent::Scalar {
                style: ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted,
                ..
            } => {
                let start = self.skip_properties(start, span.end.index());
                let end = self.quoted_end(start);
                self.quoted_end = Some(Marker::new(end.char_index, end.line, end.col));
                let len = self.first_line_len(start, end.char_index);
                span_at(start, len)
            }
            NodeEvent::Scalar { .. } | NodeEvent::Alias => {
                let start = self.skip_properties(start, span.end.index());
                let len = self.first_line_len(start, span.end.index());
                span_at(start, len)
            }
            NodeEvent::Map => span_at(self.skip_properties(start, span.end.index()), 1),
            NodeEvent::Seq => {
                let start = self.skip_properties(start, span.end.index());
                if map_value && self.char_at(start) != Some('[') {
                    if let Some((dash, _)) =
                        self.find_in_gap(self.prev_end, start.char_index, Indicator::Dash)
                    {
                        return span_at(dash, 1);
                    }
                }
                span_at(start, 1)
            }
        }
    }

    /// The byte offset of a character index.
    fn byte_of(&mut self, char_index: usize) -> usize {
        let text = self.text;
        if self.ascii {
            return char_index.min(text.len());
        }
        while self.cursor_char < char_index {
            match text[self.cursor_byte..].chars().next() {
                Some(c) => self.cursor_byte += c.len_utf8(),
                None => return self.cursor_byte,
            }
            self.cursor_char += 1;
        }
        while self.cursor_char > char_index {
            match text[..self.cursor_byte].chars().next_back() {
                Some(c) => self.cursor_byte -= c.len_utf8(),
                None => return 0,
            }
            self.cursor_char -= 1;
        }
        self.cursor_byte
    }

    pub(crate) fn pos(&mut self, marker: Marker) -> Pos {
        let byte = self.byte_of(marker.index());
        let (mut line, mut col) = (marker.line(), marker.col());
        if byte == self.text.len() && line > self.line_count {
            // The parser puts the end of a text without a final line break on a line after it.
            line = self.line_count;
            col = self.last_line_chars;
        }
        Pos {
            char_index: marker.index(),
            byte,
            line,
            col,
        }
    }

    fn char_at(&self, pos: Pos) -> Option<char> {
        self.text[pos.byte..].chars().next()
    }

    /// The character at `pos` and the position after it.
    fn step(&self, pos: Pos) -> Option<(char, Pos)> {
        let c = self.char_at(pos)?;
        let byte = pos.byte + c.len_utf8();
        let (line, col) = match c {
            '\n' => (pos.line + 1, 0),
            '\r' if self.text.as_bytes().get(byte) != Some(&b'\n') => (pos.line + 1, 0),
            '\u{feff}' if pos.char_index == 0 => (pos.line, pos.col),
            _ => (pos.line, pos.col + 1),
        };
        Some((
            c,
            Pos {
                char_index: pos.char_index + 1,
                byte,
                line,
                col,
            },
        ))
    }

    /// Skips node properties (`&anchor`, `!tag`) with the blanks, line breaks and comments
    /// after them, not going past `limit` (a character index).
    fn skip_properties(&self, start: Pos, limit: usize) -> Pos {
        if !matches!(self.char_at(start), Some('&' | '!')) {
            return start;
        }
        let mut pos = start;
        let mut in_property = false;
        let mut in_comment = false;
        let mut after_blank = false;
        while pos.char_index < limit {
            let Some((c, next)) = self.step(pos) else {
                break;
            };
            let blank = matches!(c, ' ' | '\t' | '\n' | '\r');
            if in_comment {
                in_comment = !matches!(c, '\n' | '\r');
            } else if in_property {
                in_property = !(blank || matches!(c, ',' | '[' | ']' | '{' | '}'));
                if !in_property && !blank {
                    return pos;
                }
            } else if matches!(c, '&' | '!') && (pos.char_index == start.char_index || after_blank)
            {
                in_property = true;
            } else if c == '#' && after_blank {
                in_comment = true;
            } else if !blank {
                return pos;
            }
            after_blank = blank;
            pos = next;
        }
        pos
    }

    /// The position after the quoted scalar starting at `start` (at its quote).
    fn quoted_end(&self, start: Pos) -> Pos {
        let Some((quote, mut pos)) = self.step(start) else {
            return start;
        };
        while let Some((c, next)) = self.step(pos) {
            pos = next;
            if quote == '"' && c == '\\' {
                if let Some((_, escaped)) = self.step(pos) {
                    pos = escaped;
                }
            } else if c == quote {
                if quote == '\'' && self.char_at(pos) == Some('\'') {
                    pos = self.step(pos).map_or(pos, |(_, p)| p);
                } else {
                    break;
                }
            }
        }
        pos
    }

    /// The number of characters from `start` to `end` (a character index) or the end of the
    /// line, whichever comes first.
    fn first_line_len(&self, start: Pos, end: usize) -> usize {
        let want = end.saturating_sub(start.char_index);
        self.text[start.byte..]
            .chars()
            .take(want)
            .take_while(|&c| c != '\n' && c != '\r')
            .count()
    }

    /// Finds the last `indicator` at the start of a token between `from` and `to` (a character
    /// index), skipping comments and node properties; with the length of the indicator (for a
    /// block scalar, its whole header: `|-`, `>2`).
    fn find_in_gap(
        &mut self,
        from: Marker,
        to: usize,
        indicator: Indicator,
    ) -> Option<(Pos, usize)> {
        if from.index() >= to {
            return None;
        }
        let mut pos = self.pos(from);
        let mut token_start = self.text[..pos.byte]
            .chars()
            .next_back()
            .is_none_or(|c| matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{feff}'));
        let mut found = None;
        let mut in_comment = false;
        let mut in_property = false;
        while pos.char_index < to {
            let Some((c, next)) = self.step(pos) else {
                break;
            };
            let blank = matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{feff}');
            if in_comment {
                in_comment = !matches!(c, '\n' | '\r');
            } else if in_property {
                in_property = !blank;
            } else if token_start && c == '#' {
                in_comment = true;
            } else if token_start && matches!(c, '&' | '!') {
                in_property = true;
            } else if token_start {
                let after = self.char_at(next);
                match indicator {
                    Indicator::Dash
                        if c == '-'
                            && after.is_none_or(|a| matches!(a, ' ' | '\t' | '\n' | '\r')) =>
                    {
                        found = Some((pos, 1));
                    }
                    Indicator::BlockScalar if matches!(c, '|' | '>') => {
                        let header = self.text[next.byte..]
                            .chars()
                            .take_while(|&h| h.is_ascii_digit() || h == '+' || h == '-')
                            .count();
                        found = Some((pos, 1 + header));
                    }
                    _ => {}
                }
            }
            token_start = blank;
            pos = next;
        }
        found
    }
}

fn span_at(pos: Pos, len: usize) -> Span {
    Span {
        line: pos.line,
        column: pos.col + 1,
        offset: pos.byte,
        len,
    }
}

/// A position in the text, with its line and column.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pos {
    pub(crate) char_index: usize,
    pub(crate) byte: usize,
    pub(crate) line: usize,
    /// 0-based, in characters.
    pub(crate) col: usize,
}

/// libyaml (so `serde_yaml`) accepts a tab as the blank after an indicator (`key:<TAB>value`,
/// `-<TAB>item`), which `saphyr-parser` rejects; such tabs are given to the parser as spaces.
/// A tab and a space are both one byte and one character: no location moves.
pub(crate) fn relax_tabs(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let needs = text
        .match_indices('\t')
        .any(|(i, _)| i > 0 && matches!(bytes[i - 1], b':' | b'-' | b'?'));
    if !needs {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = bytes.to_vec();
    let mut i = 1;
    while i < out.len() {
        if out[i] == b'\t' && matches!(out[i - 1], b':' | b'-' | b'?') {
            while i < out.len() && matches!(out[i], b'\t' | b' ') {
                out[i] = b' ';
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    // Only ASCII tabs were replaced by ASCII spaces: still UTF-8.
    std::borrow::Cow::Owned(String::from_utf8(out).unwrap_or_else(|_| text.to_owned()))
}
