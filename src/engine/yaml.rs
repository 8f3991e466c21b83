//! Helm's `toYaml`: YAML text of a value in the style of go-yaml v2 (what
//! `sigs.k8s.io/yaml` prints in Helm), with quoting that keeps every string a
//! string.
//!
//! Layout (as go-yaml v2):
//! * block style, 2-space indentation, no trailing newline;
//! * mapping keys sorted in go-yaml v2's order (see `key_less`), every key
//!   printed as a string;
//! * a sequence under a mapping key is not indented relative to the key
//!   (`key:\n- a`), a mapping in a sequence item starts on the dash line
//!   (`- name: x\n  value: y`), nested sequences as `- - a`;
//! * empty map `{}`, empty sequence `[]`, none/undefined `null`;
//! * numbers as [`go_string`] prints them (integers in full, `1.5`, `1e-05`);
//!   non-finite floats as the YAML floats `.nan`, `.inf`, `-.inf`; whole
//!   floats that no 64-bit integer holds in exponent form (`1e+20`, as Helm
//!   prints them) so that they read back as floats;
//! * keys longer than 128 bytes as explicit keys (`? key\n: value`), as
//!   go-yaml does.
//!
//! Strings: plain when [`is_plain_safe`] says a YAML 1.1 and a YAML 1.2 reader
//! both read the text back as the same string, otherwise in double quotes
//! ([`quote_double`]).  Unlike go-yaml (which writes multi-line strings as
//! `|-` literal blocks and some strings in single quotes), every quoted string
//! is a one-line double-quoted scalar with escapes (`"a\nb"`): it reads back
//! the same wherever a template puts it, whatever indentation surrounds it.
//! Bytes are written as their (lossily decoded) UTF-8 text.
//!
//! Values that are not data (functions, macros, other plain objects, invalid
//! values), keys that are not scalars, keys whose string forms collide, and
//! nesting deeper than 512 levels are errors (`InvalidOperation`).

use minijinja::value::ValueKind;
use minijinja::{Error, ErrorKind, Value};

use super::format::{format_float_exponent, go_string, is_macro};

/// Deepest nesting of sequences and maps that [`to_yaml`] accepts.
const MAX_DEPTH: usize = 512;

/// Keys longer than this (in bytes) are written as explicit `? key` entries,
/// as go-yaml v2 does (YAML readers refuse implicit keys over 1024 chars).
const MAX_SIMPLE_KEY_LEN: usize = 128;

/// Helm's `toYaml`: the YAML of a value as Helm prints it (sigs.k8s.io/yaml →
/// go-yaml v2 style), without the trailing newline.  See the module
/// documentation for the layout and quoting rules.
pub fn to_yaml(value: &Value) -> Result<String, Error> {
    let node = to_node(value, 0)?;
    let mut emitter = Emitter { out: String::new() };
    match &node {
        Node::Map(entries) if !entries.is_empty() => emitter.block_map(entries, 0, false),
        Node::Seq(items) if !items.is_empty() => emitter.block_seq(items, 0, false),
        other => emitter.inline(other),
    }
    Ok(emitter.out)
}

/// A YAML double-quoted scalar for any string.
///
/// Escapes `\` and `"`, C0 controls (`\0 \a \b \t \n \v \f \r \e`, others as
/// `\xNN`), DEL and C1 controls (`\xNN`), U+0085 (`\N`), U+2028 (`\L`),
/// U+2029 (`\P`), U+FEFF, U+FFFE and U+FFFF (`\uXXXX`).  Everything else is
/// written as it is, so the result is always one line.
pub fn quote_double(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_quote_double(&mut out, s);
    out
}

/// [`quote_double`] written at the end of `out`.
fn push_quote_double(out: &mut String, s: &str) {
    out.push('"');
    let mut rest = s;
    loop {
        // the run of printable ASCII other than `\` and `"` is copied as it is (it ends at an
        // ASCII byte or at the first byte of a character: a character boundary)
        let plain = rest
            .bytes()
            .position(|b| b == b'\\' || b == b'"' || !(0x20..0x7f).contains(&b))
            .unwrap_or(rest.len());
        out.push_str(&rest[..plain]);
        rest = &rest[plain..];
        let Some(c) = rest.chars().next() else {
            break;
        };
        rest = &rest[c.len_utf8()..];
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\0' => out.push_str("\\0"),
            '\u{07}' => out.push_str("\\a"),
            '\u{08}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{0B}' => out.push_str("\\v"),
            '\u{0C}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{1B}' => out.push_str("\\e"),
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            '\u{00}'..='\u{1F}' | '\u{7F}'..='\u{9F}' => {
                out.push_str(&format!("\\x{:02X}", c as u32));
            }
            '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}' => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// True if `s` may be written as a plain (unquoted) YAML scalar and still be
/// read back as exactly this string by both a YAML 1.1 reader (go-yaml v2 /
/// kubectl / Helm) and a YAML 1.2 reader (yaml_serde), in block context.
///
/// Conservative: it says no for
/// * the empty string, leading or trailing spaces;
/// * any character other than printable ASCII and printable non-ASCII:
///   controls, tab, line breaks, DEL, C1 controls, U+2028/U+2029, U+FEFF,
///   U+FFFE/U+FFFF and every non-ASCII white space (U+00A0, U+3000, …) are
///   refused; other non-ASCII text (`café`, `日本`, emoji) is allowed plain,
///   as go-yaml prints it;
/// * a first character that is a YAML indicator: ``? : , [ ] { } # & * ! | > ' " % @ ` ``,
///   or `-` unless it is followed by a non-space (`-Xmx1g` is plain, `-`,
///   `- a` are not); a start of `---` or `...` (document markers);
/// * `: ` inside, `:` at the end, ` #` inside;
/// * text that a YAML 1.1 or 1.2 reader resolves to something other than a
///   string: nulls (`~`, `null`), YAML 1.1 booleans (`y`, `yes`, `on`, `off`,
///   …; matched ignoring case), `<<`, `=`, integers (decimal with sign and
///   `_`, leading-zero octal, `0x`/`0o`/`0b` forms, sexagesimal `1:30`),
///   floats (`1.5`, `.5`, `1e3`, `1_000.5`, `.inf`, `-.Inf`, `.nan`, and
///   `inf`/`nan` in any case), and anything that starts like a date
///   (`2001-12-14…`).
pub fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    // Printable ASCII without `: ` or ` #` in one pass over the bytes (most strings), else
    // character by character.
    let chars_ok = match ascii_plain_chars(s.as_bytes()) {
        Some(ok) => ok,
        None => s.chars().all(plain_char_ok) && !s.contains(": ") && !s.contains(" #"),
    };
    if !chars_ok {
        return false;
    }
    if first == ' ' || s.ends_with(' ') {
        return false;
    }
    match first {
        '?' | ':' | ',' | '[' | ']' | '{' | '}' | '#' | '&' | '*' | '!' | '|' | '>' | '\''
        | '"' | '%' | '@' | '`' => return false,
        '-' => {
            // `-x` is a plain scalar for every libyaml-style reader; `-`, `- x`
            // (a sequence entry) and `---` (a document start) are not.
            match s[1..].chars().next() {
                None | Some(' ') => return false,
                _ => {}
            }
            if s.starts_with("---") {
                return false;
            }
        }
        _ => {}
    }
    if s.starts_with("...") || s.ends_with(':') {
        return false;
    }
    !resolves_to_non_string(s)
}

/// Whether `bytes` are all printable ASCII with no `: ` and no ` #` in them (which would start
/// a mapping value or a comment), read left to right: `Some(false)` at the first reason to
/// quote, `None` when a byte that is not ASCII comes first (the caller then reads characters).
fn ascii_plain_chars(bytes: &[u8]) -> Option<bool> {
    let mut previous = b'x';
    for &b in bytes {
        if !(b' '..=b'~').contains(&b) {
            return if b.is_ascii() { Some(false) } else { None };
        }
        if (previous == b':' && b == b' ') || (previous == b' ' && b == b'#') {
            return Some(false);
        }
        previous = b;
    }
    Some(true)
}

/// Characters allowed in a plain scalar (see [`is_plain_safe`]).
fn plain_char_ok(c: char) -> bool {
    match c {
        ' '..='~' => true,
        '\u{00}'..='\u{9F}' => false,
        '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}' => false,
        c => !c.is_whitespace(),
    }
}

/// Whether a YAML 1.1 (go-yaml v2) or YAML 1.2 core (yaml_serde) reader may
/// read the plain scalar `s` as a null, boolean, number, timestamp or merge
/// key.  Errs on the side of yes.
fn resolves_to_non_string(s: &str) -> bool {
    // a copy only when there is something to lower-case
    let lower = if s.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(s.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(s)
    };
    let lower: &str = &lower;
    if matches!(
        lower,
        "~" | "null" | "y" | "yes" | "n" | "no" | "true" | "false" | "on" | "off" | "<<" | "="
    ) {
        return true;
    }
    let (signed, unsigned) = match lower.strip_prefix(['+', '-']) {
        Some(rest) => (true, rest),
        None => (false, lower),
    };
    if matches!(
        unsigned,
        ".inf" | ".nan" | "inf" | "nan" | "infinity" | ".infinity"
    ) {
        return true;
    }
    looks_numeric(unsigned, signed) || looks_like_timestamp(s)
}

/// `s` (lower-cased, sign already removed; `signed` if there was one) is an
/// integer or float in some YAML schema.
fn looks_numeric(s: &str, signed: bool) -> bool {
    let bytes = s.as_bytes();
    match bytes.first() {
        Some(b'0'..=b'9') | Some(b'.') => {}
        // go-yaml reads numbers only when they start with a sign, digit or
        // dot, but drops every `_` first, so `-_1` is the integer -1.
        Some(b'_') if signed => {}
        _ => return false,
    }
    // a copy only when there is a `_` to drop
    let digits: std::borrow::Cow<[u8]> = if bytes.contains(&b'_') {
        bytes.iter().copied().filter(|&b| b != b'_').collect()
    } else {
        bytes.into()
    };
    if digits.is_empty() {
        return false;
    }
    // 0x.., 0o.., 0b.. (any case) followed by alphanumerics.
    if digits.len() >= 2
        && digits[0] == b'0'
        && matches!(digits[1], b'x' | b'o' | b'b')
        && digits[2..].iter().all(|b| b.is_ascii_alphanumeric())
    {
        return true;
    }
    is_decimal_float(&digits) || is_sexagesimal(s.as_bytes())
}

/// `[0-9]*(\.[0-9]*)?([eE][-+]?[0-9]+)?` with at least one mantissa digit
/// (covers decimal and octal integers and every decimal float form).
fn is_decimal_float(b: &[u8]) -> bool {
    let mut i = 0;
    let mut mantissa_digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        mantissa_digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            mantissa_digits += 1;
        }
    }
    if mantissa_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == b.len()
}

/// YAML 1.1 base 60 numbers: `[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?`.
fn is_sexagesimal(b: &[u8]) -> bool {
    let mut i = 0;
    if i >= b.len() || !b[i].is_ascii_digit() {
        return false;
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() && i - start < 2 {
            i += 1;
        }
        match i - start {
            1 => {}
            2 if b[start] <= b'5' => {}
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// Starts like a YAML 1.1 timestamp: four digits, `-`, a digit.
fn looks_like_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 6 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[5].is_ascii_digit()
}

/// A value prepared for writing: strings as they are (quoted, or not, when written), other
/// scalars already as YAML text.
enum Node {
    /// A string value (read in place when written).
    Text(Value),
    /// A byte string's (lossily decoded) text.
    Bytes(String),
    /// `null`, `true`, `false`.
    Word(&'static str),
    /// A number as YAML text.
    Scalar(String),
    Seq(Vec<Node>),
    /// Entries in output order: (raw key string, value).
    Map(Vec<(String, Node)>),
}

fn invalid(msg: String) -> Error {
    Error::new(ErrorKind::InvalidOperation, msg)
}

/// A string as a YAML scalar, written at the end of `out`: plain when safe, else double-quoted.
fn push_scalar(out: &mut String, s: &str) {
    if is_plain_safe(s) {
        out.push_str(s);
    } else {
        push_quote_double(out, s);
    }
}

fn number_yaml(value: &Value) -> String {
    let float = match f64::try_from(value.clone()) {
        Ok(f) if !value.is_integer() => f,
        _ => return go_string(value),
    };
    if float.is_nan() {
        ".nan".to_string()
    } else if float.is_infinite() {
        if float > 0.0 { ".inf" } else { "-.inf" }.to_string()
    } else if float.fract() == 0.0 && !(-9.2e18..1.8e19).contains(&float) {
        // A whole float that no 64-bit integer holds would read back as an
        // out-of-range integer (yaml_serde refuses it): write it as a float,
        // as Helm does (`1e+20`).  The bounds leave room for the rounding of
        // the shortest digits (-2^63 prints as -9223372036854776000).
        format_float_exponent(float)
    } else {
        go_string(value)
    }
}

fn to_node(value: &Value, depth: usize) -> Result<Node, Error> {
    if is_macro(value) {
        return Err(invalid(format!("cannot convert {value} to YAML")));
    }
    Ok(match value.kind() {
        ValueKind::Undefined | ValueKind::None => Node::Word("null"),
        ValueKind::Bool => Node::Word(if value.is_true() { "true" } else { "false" }),
        ValueKind::Number => Node::Scalar(number_yaml(value)),
        ValueKind::String => Node::Text(value.clone()),
        ValueKind::Bytes => {
            Node::Bytes(String::from_utf8_lossy(value.as_bytes().unwrap_or_default()).into_owned())
        }
        ValueKind::Seq | ValueKind::Iterable => {
            if depth >= MAX_DEPTH {
                return Err(invalid("value is nested too deeply for toYaml".into()));
            }
            let mut items = Vec::new();
            for item in value.try_iter()? {
                items.push(to_node(&item, depth + 1)?);
            }
            Node::Seq(items)
        }
        ValueKind::Map => {
            if depth >= MAX_DEPTH {
                return Err(invalid("value is nested too deeply for toYaml".into()));
            }
            let pairs = value
                .as_object()
                .and_then(|o| o.try_iter_pairs())
                .ok_or_else(|| invalid("cannot convert a non-enumerable map to YAML".into()))?;
            let mut entries = Vec::new();
            for (k, v) in pairs {
                entries.push((key_string(&k)?, to_node(&v, depth + 1)?));
            }
            sort_entries(&mut entries);
            for pair in entries.windows(2) {
                if pair[0].0 == pair[1].0 {
                    return Err(invalid(format!(
                        "cannot convert map to YAML: duplicate key {}",
                        quote_double(&pair[0].0)
                    )));
                }
            }
            Node::Map(entries)
        }
        kind => {
            return Err(invalid(format!("cannot convert {kind} ({value}) to YAML")));
        }
    })
}

/// A mapping key as a string (Helm's keys are always strings).
fn key_string(key: &Value) -> Result<String, Error> {
    match key.kind() {
        ValueKind::String | ValueKind::Number | ValueKind::Bool | ValueKind::Bytes => {
            Ok(go_string(key))
        }
        ValueKind::None | ValueKind::Undefined => Ok("null".to_string()),
        kind => Err(invalid(format!(
            "cannot convert map to YAML: a {kind} key is not allowed"
        ))),
    }
}

/// Stable merge sort by [`key_less`] (which, like go-yaml's, need not be a
/// total order: a hand-written sort never panics on that).
fn sort_entries(entries: &mut Vec<(String, Node)>) {
    if entries.len() < 2 {
        return;
    }
    let mid = entries.len() / 2;
    let mut right = entries.split_off(mid);
    let mut left = std::mem::take(entries);
    sort_entries(&mut left);
    sort_entries(&mut right);
    let mut left = left.into_iter().peekable();
    let mut right = right.into_iter().peekable();
    loop {
        let take_right = match (left.peek(), right.peek()) {
            (Some(l), Some(r)) => key_less(&r.0, &l.0),
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (None, None) => break,
        };
        let next = if take_right {
            right.next()
        } else {
            left.next()
        };
        entries.extend(next);
    }
}

/// go-yaml v2's order of string keys (a "natural" order): at the first
/// differing character, two letters compare by code point; a non-letter sorts
/// before a letter (`a_b` < `aB`); otherwise the digit runs starting there
/// compare as numbers (`a2` < `a10`), then by run length, then by code point.
/// A string that is a prefix of the other sorts first.
///
/// Letters are approximated by `char::is_alphabetic` (without numeric
/// letters), digits by ASCII digits.
pub(crate) fn key_less(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        // the same order on bytes, without collecting the characters (most keys)
        return natural_less(
            a.as_bytes(),
            b.as_bytes(),
            |c| c.is_ascii_alphabetic(),
            |c| c.is_ascii_digit().then(|| i64::from(c - b'0')),
        );
    }
    key_less_chars(a, b)
}

/// [`key_less`] on the characters of any strings.
fn key_less_chars(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    natural_less(
        &ar,
        &br,
        |c| c.is_alphabetic() && !c.is_numeric(),
        |c| c.to_digit(10).map(i64::from),
    )
}

/// The order of [`key_less`] on strings as units (bytes or characters): `letter` tells the
/// letters, `digit` the ASCII digits and their values.
fn natural_less<C: Copy + Ord>(
    ar: &[C],
    br: &[C],
    letter: impl Fn(C) -> bool,
    digit: impl Fn(C) -> Option<i64>,
) -> bool {
    for i in 0..ar.len().min(br.len()) {
        if ar[i] == br[i] {
            continue;
        }
        let al = letter(ar[i]);
        let bl = letter(br[i]);
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        // Both non-letters: compare the digit runs starting here.  A run that
        // continues a number with a non-zero digit before it (`10` vs `1`)
        // counts the earlier digits as a leading 1, as go-yaml does.
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if digit(ar[i]) == Some(0) || digit(br[i]) == Some(0) {
            let mut j = i;
            while j > 0 && digit(ar[j - 1]).is_some() {
                j -= 1;
                if digit(ar[j]) != Some(0) {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while let Some(d) = ar.get(ai).and_then(|&c| digit(c)) {
            an = an.wrapping_mul(10).wrapping_add(d);
            ai += 1;
        }
        let mut bi = i;
        while let Some(d) = br.get(bi).and_then(|&c| digit(c)) {
            bn = bn.wrapping_mul(10).wrapping_add(d);
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

fn is_block(node: &Node) -> bool {
    match node {
        Node::Text(_) | Node::Bytes(_) | Node::Word(_) | Node::Scalar(_) => false,
        Node::Seq(items) => !items.is_empty(),
        Node::Map(entries) => !entries.is_empty(),
    }
}

struct Emitter {
    out: String,
}

impl Emitter {
    /// Starts a new line indented by `indent` (no newline before the first line).
    fn line(&mut self, indent: usize) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        super::strings::push_spaces(&mut self.out, indent);
    }

    /// A node that fits on one line (a scalar, `{}` or `[]`).
    fn inline(&mut self, node: &Node) {
        match node {
            Node::Text(value) => push_scalar(&mut self.out, value.as_str().unwrap_or_default()),
            Node::Bytes(text) => push_scalar(&mut self.out, text),
            Node::Word(word) => self.out.push_str(word),
            Node::Scalar(text) => self.out.push_str(text),
            Node::Seq(_) => self.out.push_str("[]"),
            Node::Map(_) => self.out.push_str("{}"),
        }
    }

    /// A node that follows an indicator on the same line (`- `, `: ` of an
    /// explicit key) whose content column is `indent`.
    fn compact(&mut self, node: &Node, indent: usize) {
        match node {
            Node::Map(entries) if !entries.is_empty() => self.block_map(entries, indent, true),
            Node::Seq(items) if !items.is_empty() => self.block_seq(items, indent, true),
            other => self.inline(other),
        }
    }

    /// Entries of a block mapping with keys at column `indent`; `inline`: the
    /// first key goes where the output currently ends.
    fn block_map(&mut self, entries: &[(String, Node)], indent: usize, mut inline: bool) {
        for (key, value) in entries {
            if inline {
                inline = false;
            } else {
                self.line(indent);
            }
            if key.len() > MAX_SIMPLE_KEY_LEN {
                self.out.push_str("? ");
                push_scalar(&mut self.out, key);
                self.line(indent);
                self.out.push(':');
                self.out.push(' ');
                self.compact(value, indent + 2);
                continue;
            }
            push_scalar(&mut self.out, key);
            self.out.push(':');
            match value {
                Node::Map(inner) if is_block(value) => self.block_map(inner, indent + 2, false),
                Node::Seq(items) if is_block(value) => self.block_seq(items, indent, false),
                other => {
                    self.out.push(' ');
                    self.inline(other);
                }
            }
        }
    }

    /// Items of a block sequence with dashes at column `indent`.
    fn block_seq(&mut self, items: &[Node], indent: usize, mut inline: bool) {
        for item in items {
            if inline {
                inline = false;
            } else {
                self.line(indent);
            }
            self.out.push_str("- ");
            self.compact(item, indent + 2);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_yaml::Value as Y;

    fn map(pairs: &[(&str, Value)]) -> Value {
        Value::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())))
    }
    fn s(x: &str) -> Value {
        Value::from(x)
    }
    fn seq(items: &[Value]) -> Value {
        Value::from(items.to_vec())
    }
    fn y(v: &Value) -> String {
        to_yaml(v).unwrap()
    }

    // ---------------------------------------------------------------- layout

    #[test]
    fn affinity_example() {
        let v = map(&[
            (
                "podAntiAffinity",
                map(&[(
                    "preferredDuringSchedulingIgnoredDuringExecution",
                    seq(&[map(&[
                        ("weight", Value::from(100)),
                        (
                            "podAffinityTerm",
                            map(&[
                                ("topologyKey", s("kubernetes.io/hostname")),
                                (
                                    "labelSelector",
                                    map(&[("matchLabels", map(&[("app", s("ci-gitlab-runner"))]))]),
                                ),
                            ]),
                        ),
                    ])]),
                )]),
            ),
            (
                "nodeAffinity",
                map(&[(
                    "requiredDuringSchedulingIgnoredDuringExecution",
                    map(&[(
                        "nodeSelectorTerms",
                        seq(&[map(&[(
                            "matchExpressions",
                            seq(&[map(&[
                                ("operator", s("Exists")),
                                ("key", s("node-role.kubernetes.io/worker")),
                            ])]),
                        )])]),
                    )]),
                )]),
            ),
        ]);
        let want = "\
nodeAffinity:
  requiredDuringSchedulingIgnoredDuringExecution:
    nodeSelectorTerms:
    - matchExpressions:
      - key: node-role.kubernetes.io/worker
        operator: Exists
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
  - podAffinityTerm:
      labelSelector:
        matchLabels:
          app: ci-gitlab-runner
      topologyKey: kubernetes.io/hostname
    weight: 100";
        assert_eq!(y(&v), want);
    }

    #[test]
    fn tolerations_example() {
        let v = seq(&[
            map(&[
                ("key", s("node-role.kubernetes.io/worker")),
                ("operator", s("Exists")),
                ("effect", s("NoSchedule")),
            ]),
            map(&[
                ("key", s("dedicated")),
                ("operator", s("Equal")),
                ("value", s("ci")),
                ("effect", s("NoExecute")),
                ("tolerationSeconds", Value::from(3600)),
            ]),
        ]);
        assert_eq!(
            y(&v),
            "- effect: NoSchedule\n  key: node-role.kubernetes.io/worker\n  operator: Exists\n\
             - effect: NoExecute\n  key: dedicated\n  operator: Equal\n  tolerationSeconds: 3600\n  value: ci"
        );
    }

    #[test]
    fn node_selector_example() {
        let v = map(&[
            ("node-role.kubernetes.io/worker", s("true")),
            ("kubernetes.io/os", s("linux")),
        ]);
        assert_eq!(
            y(&v),
            "kubernetes.io/os: linux\nnode-role.kubernetes.io/worker: \"true\""
        );
    }

    #[test]
    fn scalars_at_top() {
        assert_eq!(y(&Value::from(())), "null");
        assert_eq!(y(&Value::UNDEFINED), "null");
        assert_eq!(y(&Value::from(true)), "true");
        assert_eq!(y(&Value::from(false)), "false");
        assert_eq!(y(&Value::from(1000000)), "1000000");
        assert_eq!(y(&Value::from(-7)), "-7");
        assert_eq!(y(&Value::from(u64::MAX)), "18446744073709551615");
        assert_eq!(y(&Value::from(1.5)), "1.5");
        assert_eq!(y(&Value::from(10.0)), "10");
        assert_eq!(y(&Value::from(0.00001)), "1e-05");
        assert_eq!(y(&Value::from(1e19)), "10000000000000000000");
        assert_eq!(y(&Value::from(1e20)), "1e+20");
        assert_eq!(y(&Value::from(-1e19)), "-1e+19");
        assert_eq!(y(&Value::from(-(2f64.powi(63)))), "-9.223372036854776e+18");
        assert_eq!(y(&Value::from(-9.1e18)), "-9100000000000000000");
        assert_eq!(y(&Value::from(f64::NAN)), ".nan");
        assert_eq!(y(&Value::from(f64::INFINITY)), ".inf");
        assert_eq!(y(&Value::from(f64::NEG_INFINITY)), "-.inf");
        assert_eq!(y(&s("plain")), "plain");
        assert_eq!(y(&s("a\nb")), "\"a\\nb\"");
        assert_eq!(y(&Value::from_bytes(b"bytes".to_vec())), "bytes");
        assert_eq!(y(&Value::from_bytes(b"1".to_vec())), "\"1\"");
    }

    #[test]
    fn empty_collections() {
        assert_eq!(y(&map(&[])), "{}");
        assert_eq!(y(&seq(&[])), "[]");
        let v = map(&[
            ("a", map(&[])),
            ("b", seq(&[])),
            ("c", Value::from(())),
            ("d", seq(&[map(&[]), seq(&[]), Value::from(())])),
        ]);
        assert_eq!(y(&v), "a: {}\nb: []\nc: null\nd:\n- {}\n- []\n- null");
    }

    #[test]
    fn nested_sequences() {
        let v = seq(&[
            seq(&[s("a"), s("b")]),
            seq(&[seq(&[s("c")]), map(&[("k", s("v")), ("l", seq(&[s("w")]))])]),
            s("d"),
        ]);
        assert_eq!(
            y(&v),
            "- - a\n  - b\n- - - c\n  - k: v\n    l:\n    - w\n- d"
        );
    }

    #[test]
    fn env_list() {
        let v = map(&[(
            "env",
            seq(&[
                map(&[("name", s("FOO")), ("value", s("bar"))]),
                map(&[("name", s("PORT")), ("value", s("8080"))]),
                map(&[
                    ("name", s("POD_IP")),
                    (
                        "valueFrom",
                        map(&[("fieldRef", map(&[("fieldPath", s("status.podIP"))]))]),
                    ),
                ]),
            ]),
        )]);
        assert_eq!(
            y(&v),
            "env:\n- name: FOO\n  value: bar\n- name: PORT\n  value: \"8080\"\n\
             - name: POD_IP\n  valueFrom:\n    fieldRef:\n      fieldPath: status.podIP"
        );
    }

    #[test]
    fn resources_and_numbers() {
        let v = map(&[
            ("limits", map(&[("cpu", s("500m")), ("memory", s("1Gi"))])),
            (
                "requests",
                map(&[("cpu", Value::from(1)), ("memory", s("128Mi"))]),
            ),
            ("ratio", Value::from(0.25)),
        ]);
        assert_eq!(
            y(&v),
            "limits:\n  cpu: 500m\n  memory: 1Gi\nratio: 0.25\nrequests:\n  cpu: 1\n  memory: 128Mi"
        );
    }

    #[test]
    fn keys_quoted_when_needed() {
        let v = map(&[
            ("true", s("x")),
            ("1", s("x")),
            ("a b", s("x")),
            ("a: b", s("x")),
            ("", s("x")),
            ("-", s("x")),
            ("<<", s("x")),
        ]);
        assert_eq!(
            y(&v),
            "\"\": x\n\"-\": x\n\"<<\": x\n\"1\": x\na b: x\n\"a: b\": x\n\"true\": x"
        );
    }

    #[test]
    fn non_string_keys_become_strings() {
        let v = Value::from_pairs(vec![
            (Value::from(2), s("two")),
            (Value::from(10), s("ten")),
            (Value::from(true), s("yes")),
        ]);
        assert_eq!(y(&v), "\"2\": two\n\"10\": ten\n\"true\": \"yes\"");
        // Colliding string forms are an error, not a silently lost entry.
        let dup = Value::from_pairs(vec![(Value::from(1), s("a")), (s("1"), s("b"))]);
        let err = to_yaml(&dup).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidOperation);
        let bad_key = Value::from_pairs(vec![(seq(&[s("a")]), s("b"))]);
        assert_eq!(
            to_yaml(&bad_key).unwrap_err().kind(),
            ErrorKind::InvalidOperation
        );
    }

    #[test]
    fn key_order_is_go_yaml_natural_order() {
        let keys = [
            "b", "a10", "a2", "a_b", "aB", "a-b", "a", "A", "item9", "item10", "x1y", "x01y", "Z",
            "z",
        ];
        let v = Value::from_pairs(keys.iter().map(|k| (k.to_string(), Value::from(1))));
        let out = y(&v);
        let order: Vec<&str> = out.lines().map(|l| l.split(':').next().unwrap()).collect();
        assert_eq!(
            order,
            [
                "A", "Z", "a", "a-b", "a_b", "a2", "a10", "aB", "b", "item9", "item10", "x1y",
                "x01y", "z"
            ]
        );
        assert!(key_less("a2", "a10"));
        assert!(!key_less("a10", "a2"));
        assert!(key_less("a_b", "aB"));
        assert!(key_less("abc", "abcd"));
        assert!(key_less("x1y", "x01y"));
    }

    #[test]
    fn long_keys_are_explicit() {
        let long = "k".repeat(129);
        let v = map(&[
            (long.as_str(), s("v")),
            (
                "m",
                map(&[(
                    long.as_str(),
                    map(&[("a", Value::from(1)), ("b", Value::from(2))]),
                )]),
            ),
            ("s", map(&[(long.as_str(), seq(&[s("x"), s("y")]))])),
        ]);
        let out = y(&v);
        let want = format!(
            "? {long}\n: v\nm:\n  ? {long}\n  : a: 1\n    b: 2\ns:\n  ? {long}\n  : - x\n    - \"y\""
        );
        assert_eq!(out, want);
        let back: Y = serde_yaml::from_str(&out).unwrap();
        assert_eq!(back, yaml_of(&v));
        let in_seq = seq(&[map(&[(long.as_str(), seq(&[])), ("x", Value::from(1))])]);
        let out = y(&in_seq);
        assert_eq!(out, format!("- ? {long}\n  : []\n  x: 1"));
        let back: Y = serde_yaml::from_str(&out).unwrap();
        assert_eq!(back, yaml_of(&in_seq));
        let quoted = "\n".repeat(129);
        let out = y(&map(&[(quoted.as_str(), s("v"))]));
        assert_eq!(out, format!("? {}\n: v", quote_double(&quoted)));
        let exactly = "k".repeat(128);
        assert_eq!(
            y(&map(&[(exactly.as_str(), s("v"))])),
            format!("{exactly}: v")
        );
    }

    #[test]
    fn errors_for_non_data() {
        let f = Value::from_function(|| 1);
        let err = to_yaml(&f).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidOperation);
        let nested = map(&[("f", seq(std::slice::from_ref(&f)))]);
        assert_eq!(
            to_yaml(&nested).unwrap_err().kind(),
            ErrorKind::InvalidOperation
        );
        let mut deep = Value::from(1);
        for _ in 0..(MAX_DEPTH + 1) {
            deep = seq(&[deep]);
        }
        assert_eq!(
            to_yaml(&deep).unwrap_err().kind(),
            ErrorKind::InvalidOperation
        );
    }

    #[test]
    fn macro_is_an_error() {
        let mut env = minijinja::Environment::new();
        env.add_function("toYaml", |v: Value| to_yaml(&v));
        env.add_template("t", "{% macro m() %}x{% endmacro %}{{ toYaml(m) }}")
            .unwrap();
        let err = env.get_template("t").unwrap().render(()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidOperation);
        env.add_template("u", "{{ toYaml({'a': [1, 'on', none], 'b': range(2)}) }}")
            .unwrap();
        assert_eq!(
            env.get_template("u").unwrap().render(()).unwrap(),
            "a:\n- 1\n- \"on\"\n- null\nb:\n- 0\n- 1"
        );
    }

    // --------------------------------------------------------------- quoting

    /// (input, expected YAML of the string)
    const QUOTING: &[(&str, &str)] = &[
        // plain, as go-yaml prints them
        ("hello", "hello"),
        ("hello world", "hello world"),
        ("10.20.0.15", "10.20.0.15"),
        ("1.2.3", "1.2.3"),
        ("gitlab_runner", "gitlab_runner"),
        ("s3.amazonaws.com", "s3.amazonaws.com"),
        (
            "node-role.kubernetes.io/worker",
            "node-role.kubernetes.io/worker",
        ),
        ("arn:aws:iam::123:role/x", "arn:aws:iam::123:role/x"),
        ("https://gitlab.example.com/", "https://gitlab.example.com/"),
        (
            "registry.gitlab.com/gitlab-org/gitlab-runner:alpine-v17.0.0",
            "registry.gitlab.com/gitlab-org/gitlab-runner:alpine-v17.0.0",
        ),
        ("500m", "500m"),
        ("1Gi", "1Gi"),
        ("v1.2", "v1.2"),
        ("8080:80", "8080:80"),
        ("a#b", "a#b"),
        ("it's", "it's"),
        ("say \"hi\"", "say \"hi\""),
        ("C:\\path", "C:\\path"),
        ("100%", "100%"),
        ("a,b", "a,b"),
        ("-Xmx512m", "-Xmx512m"),
        ("--set", "--set"),
        ("+", "+"),
        (".", "."),
        ("+-1", "+-1"),
        ("_1000", "_1000"),
        ("1e", "1e"),
        ("0x", "\"0x\""),
        ("yEs!", "yEs!"),
        ("café", "café"),
        ("日本語", "日本語"),
        ("🚀 launch", "🚀 launch"),
        ("<<x", "<<x"),
        // YAML 1.1 booleans and nulls
        ("y", "\"y\""),
        ("Y", "\"Y\""),
        ("yes", "\"yes\""),
        ("Yes", "\"Yes\""),
        ("YES", "\"YES\""),
        ("n", "\"n\""),
        ("N", "\"N\""),
        ("no", "\"no\""),
        ("No", "\"No\""),
        ("NO", "\"NO\""),
        ("true", "\"true\""),
        ("True", "\"True\""),
        ("TRUE", "\"TRUE\""),
        ("false", "\"false\""),
        ("False", "\"False\""),
        ("FALSE", "\"FALSE\""),
        ("on", "\"on\""),
        ("On", "\"On\""),
        ("ON", "\"ON\""),
        ("off", "\"off\""),
        ("Off", "\"Off\""),
        ("OFF", "\"OFF\""),
        ("tRuE", "\"tRuE\""),
        ("~", "\"~\""),
        ("null", "\"null\""),
        ("Null", "\"Null\""),
        ("NULL", "\"NULL\""),
        ("<<", "\"<<\""),
        ("=", "\"=\""),
        // integers
        ("1", "\"1\""),
        ("0", "\"0\""),
        ("-1", "\"-1\""),
        ("+1", "\"+1\""),
        ("1000000", "\"1000000\""),
        ("1_000", "\"1_000\""),
        ("-_1", "\"-_1\""),
        ("1__", "\"1__\""),
        ("0755", "\"0755\""),
        ("08", "\"08\""),
        ("0x1F", "\"0x1F\""),
        ("0X1f", "\"0X1f\""),
        ("-0x1F", "\"-0x1F\""),
        ("0o17", "\"0o17\""),
        ("0b1010", "\"0b1010\""),
        ("1:30", "\"1:30\""),
        ("190:20:30", "\"190:20:30\""),
        ("-1:30", "\"-1:30\""),
        // floats
        ("1.5", "\"1.5\""),
        ("-1.5", "\"-1.5\""),
        (".5", "\".5\""),
        ("1.", "\"1.\""),
        ("1e3", "\"1e3\""),
        ("1E3", "\"1E3\""),
        ("1.0e+3", "\"1.0e+3\""),
        ("1e-3", "\"1e-3\""),
        ("1_000.5", "\"1_000.5\""),
        ("1:30.5", "\"1:30.5\""),
        (".inf", "\".inf\""),
        ("-.Inf", "\"-.Inf\""),
        ("+.INF", "\"+.INF\""),
        (".nan", "\".nan\""),
        (".NaN", "\".NaN\""),
        ("NaN", "\"NaN\""),
        ("inf", "\"inf\""),
        ("-Infinity", "\"-Infinity\""),
        // timestamps
        ("2001-12-14", "\"2001-12-14\""),
        (
            "2001-12-14t21:59:43.10-05:00",
            "\"2001-12-14t21:59:43.10-05:00\"",
        ),
        ("2001-12-14 21:59:43.10 -5", "\"2001-12-14 21:59:43.10 -5\""),
        ("2002-1-2", "\"2002-1-2\""),
        // indicators and structure
        ("a: b", "\"a: b\""),
        ("a:", "\"a:\""),
        ("key: value: x", "\"key: value: x\""),
        ("a #b", "\"a #b\""),
        // the same, before or after a character that is not ASCII
        ("ü: b", "\"ü: b\""),
        ("a: ü", "\"a: ü\""),
        ("ü #b", "\"ü #b\""),
        ("a #ü", "\"a #ü\""),
        ("ü:b#c", "ü:b#c"),
        ("#comment", "\"#comment\""),
        ("-", "\"-\""),
        ("- a", "\"- a\""),
        ("---", "\"---\""),
        ("---x", "\"---x\""),
        ("...", "\"...\""),
        ("-1x", "-1x"),
        ("*alias", "\"*alias\""),
        ("&anchor", "\"&anchor\""),
        ("!tag", "\"!tag\""),
        ("!!str", "\"!!str\""),
        ("{a: 1}", "\"{a: 1}\""),
        ("{{ .Values.x }}", "\"{{ .Values.x }}\""),
        ("[a]", "\"[a]\""),
        ("]", "\"]\""),
        ("}", "\"}\""),
        (",a", "\",a\""),
        ("%YAML", "\"%YAML\""),
        ("@foo", "\"@foo\""),
        ("`cmd`", "\"`cmd`\""),
        ("'single'", "\"'single'\""),
        ("\"double\"", "\"\\\"double\\\"\""),
        ("|", "\"|\""),
        ("> folded", "\"> folded\""),
        ("?", "\"?\""),
        ("?x", "\"?x\""),
        (":x", "\":x\""),
        // whitespace, line breaks, controls
        ("", "\"\""),
        (" ", "\" \""),
        ("   ", "\"   \""),
        (" lead", "\" lead\""),
        ("trail ", "\"trail \""),
        ("a\nb", "\"a\\nb\""),
        ("line\n", "\"line\\n\""),
        ("\n", "\"\\n\""),
        ("a\r\nb", "\"a\\r\\nb\""),
        ("a\tb", "\"a\\tb\""),
        ("\t", "\"\\t\""),
        ("nul\0", "\"nul\\0\""),
        ("\u{7}\u{8}\u{b}\u{c}\u{1b}", "\"\\a\\b\\v\\f\\e\""),
        ("\u{1}\u{1f}", "\"\\x01\\x1F\""),
        ("del\u{7f}", "\"del\\x7F\""),
        ("c1\u{80}\u{9f}", "\"c1\\x80\\x9F\""),
        ("nel\u{85}x", "\"nel\\Nx\""),
        ("ls\u{2028}ps\u{2029}", "\"ls\\Lps\\P\""),
        ("\u{feff}bom", "\"\\uFEFFbom\""),
        ("non\u{fffe}\u{ffff}", "\"non\\uFFFE\\uFFFF\""),
        ("nb\u{a0}sp", "\"nb\u{a0}sp\""),
        ("ideo\u{3000}space", "\"ideo\u{3000}space\""),
        ("back\\slash\n", "\"back\\\\slash\\n\""),
    ];

    #[test]
    fn quoting_classes() {
        for (input, want) in QUOTING {
            assert_eq!(y(&s(input)), *want, "to_yaml({input:?})");
            let plain = !want.starts_with('"');
            assert_eq!(is_plain_safe(input), plain, "is_plain_safe({input:?})");
            // Every form reads back as the same string, as a value and as a key.
            let doc = format!("k: {want}");
            let back: Y = serde_yaml::from_str(&doc).unwrap_or_else(|e| panic!("{doc:?}: {e}"));
            assert_eq!(back["k"], Y::String(input.to_string()), "{doc:?}");
            let doc = format!("{want}: v");
            let back: Y = serde_yaml::from_str(&doc).unwrap_or_else(|e| panic!("{doc:?}: {e}"));
            let key = back.as_mapping().unwrap().keys().next().unwrap().clone();
            assert_eq!(key, Y::String(input.to_string()), "{doc:?}");
        }
        assert!(QUOTING.len() >= 40);
    }

    #[test]
    fn quote_double_escapes() {
        assert_eq!(quote_double("plain"), "\"plain\"");
        assert_eq!(quote_double("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(
            quote_double("\u{0}\u{7}\u{8}\t\n\u{b}\u{c}\r\u{1b}"),
            "\"\\0\\a\\b\\t\\n\\v\\f\\r\\e\""
        );
        assert_eq!(quote_double("\u{2}\u{7f}\u{9b}"), "\"\\x02\\x7F\\x9B\"");
        assert_eq!(quote_double("\u{85}\u{2028}\u{2029}"), "\"\\N\\L\\P\"");
        assert_eq!(
            quote_double("\u{feff}\u{fffe}\u{ffff}"),
            "\"\\uFEFF\\uFFFE\\uFFFF\""
        );
        assert_eq!(quote_double("é ✓ 😀 \u{a0}"), "\"é ✓ 😀 \u{a0}\"");
        assert!(!quote_double("x\ny\u{2028}\u{85}\r").contains(['\n', '\r', '\u{85}', '\u{2028}']));
    }

    /// The YAML 1.1 rules that yaml_serde (YAML 1.2) cannot check: go-yaml v2
    /// reads these plain scalars as non-strings, so they must be quoted.
    #[test]
    fn yaml_1_1_only_non_strings_are_quoted() {
        for v in [
            "y",
            "Y",
            "yes",
            "Yes",
            "YES",
            "n",
            "N",
            "no",
            "No",
            "NO",
            "on",
            "On",
            "ON",
            "off",
            "Off",
            "OFF",
            "1_000",
            "1__",
            "-_1",
            "0755",
            "0b1010",
            "-0b11",
            "1:30",
            "190:20:30.15",
            "1_000.5",
            "2001-12-14",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10 -5",
            "2001-12-15T02:59:43.1Z",
            "<<",
            "=",
            "0o17",
            "0O17",
            "0X1F",
            "0B11",
            "+0x1F",
            "0x_1F",
            "1e_3",
            ".5_0",
        ] {
            assert!(!is_plain_safe(v), "{v:?} must be quoted");
        }
        // YAML 1.1 leaves these as strings (and go-yaml prints them plain).
        for v in [
            "8080:80",
            "1:60",
            "10.20.0.15",
            "1.2.3",
            "yesno",
            "onion",
            "nope",
            "0xyz-1",
        ] {
            assert!(is_plain_safe(v), "{v:?} may be plain");
        }
    }

    // ---------------------------------------------------- round-trip helpers

    /// The serde_yaml value that a minijinja value must read back as.
    fn yaml_of(v: &Value) -> Y {
        match v.kind() {
            ValueKind::None | ValueKind::Undefined => Y::Null,
            ValueKind::Bool => Y::Bool(v.is_true()),
            ValueKind::Number => Y::Number(i64::try_from(v.clone()).unwrap().into()),
            ValueKind::String => Y::String(v.as_str().unwrap().to_string()),
            ValueKind::Seq => Y::Sequence(v.try_iter().unwrap().map(|x| yaml_of(&x)).collect()),
            ValueKind::Map => {
                let mut m = serde_yaml::Mapping::new();
                for (k, x) in v.as_object().unwrap().try_iter_pairs().unwrap() {
                    m.insert(Y::String(k.as_str().unwrap().to_string()), yaml_of(&x));
                }
                Y::Mapping(m)
            }
            k => panic!("unexpected kind {k}"),
        }
    }

    fn any_string() -> impl Strategy<Value = String> {
        prop_oneof![
            // arbitrary unicode, including controls, line breaks, BOM, …
            any::<String>(),
            // YAML-ish text: indicators, spaces, digits, keywords
            proptest::collection::vec(
                prop_oneof![
                    Just("-".to_string()),
                    Just(":".to_string()),
                    Just(" ".to_string()),
                    Just("#".to_string()),
                    Just(".".to_string()),
                    Just("_".to_string()),
                    Just("\n".to_string()),
                    Just("\t".to_string()),
                    Just("\"".to_string()),
                    Just("'".to_string()),
                    Just("\\".to_string()),
                    Just("e".to_string()),
                    Just("x".to_string()),
                    Just("0".to_string()),
                    Just("1".to_string()),
                    Just("9".to_string()),
                    Just("true".to_string()),
                    Just("null".to_string()),
                    Just("inf".to_string()),
                    Just("nan".to_string()),
                    Just("+".to_string()),
                    Just("?".to_string()),
                    Just("[".to_string()),
                    Just("{".to_string()),
                    Just("\u{85}".to_string()),
                    Just("\u{2028}".to_string()),
                    Just("\u{feff}".to_string()),
                    Just("\r".to_string()),
                    Just("é".to_string()),
                    Just("\u{a0}".to_string()),
                ],
                0..8
            )
            .prop_map(|parts| parts.concat()),
            "[-+.0-9_:eExob ]{0,8}",
            // long strings (explicit `? key` entries when used as keys)
            (any::<String>(), 1..200usize).prop_map(|(s, n)| {
                let mut long = s.repeat(n);
                let mut cut = long.len().min(400);
                while !long.is_char_boundary(cut) {
                    cut -= 1;
                }
                long.truncate(cut);
                long
            }),
        ]
    }

    fn any_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            any_string().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<bool>().prop_map(Value::from),
            Just(Value::from(())),
        ];
        leaf.prop_recursive(5, 64, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
                proptest::collection::vec((any_string(), inner), 0..6).prop_map(Value::from_pairs),
            ]
        })
    }

    /// [`quote_double`] a character at a time (the runs it copies whole are the characters
    /// this writes as they are).
    fn quote_double_by_character(s: &str) -> String {
        let mut out = String::from("\"");
        for c in s.chars() {
            let mut one = [0u8; 4];
            let whole = quote_double(c.encode_utf8(&mut one));
            out.push_str(&whole[1..whole.len() - 1]);
        }
        out.push('"');
        out
    }

    proptest! {
        #[test]
        fn quote_double_runs_equal_characters(s in "(a|Z|~| |\"|\\\\|\t|\n|\u{0}|\u{7f}|\u{85}|\u{9f}|é|\u{2028}|\u{feff}|😀){0,30}") {
            prop_assert_eq!(quote_double(&s), quote_double_by_character(&s));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn round_trip_values(v in any_value()) {
            let text = to_yaml(&v).unwrap();
            let back: Y = serde_yaml::from_str(&text)
                .unwrap_or_else(|e| panic!("{text:?}: {e}"));
            prop_assert_eq!(&back, &yaml_of(&v), "{:?}", text);
            // The same with a trailing newline, as in a rendered manifest.
            let back: Y = serde_yaml::from_str(&format!("{text}\n")).unwrap();
            prop_assert_eq!(&back, &yaml_of(&v));
            // And under a key with the output indented (`nindent`).
            let indented = text.replace('\n', "\n    ");
            let doc = format!("outer:\n  inner:\n    {indented}\n  after: 1\n");
            let back: Y = serde_yaml::from_str(&doc)
                .unwrap_or_else(|e| panic!("{doc:?}: {e}"));
            prop_assert_eq!(&back["outer"]["inner"], &yaml_of(&v), "{:?}", doc);
            prop_assert_eq!(&back["outer"]["after"], &Y::Number(1.into()));
        }

        #[test]
        fn floats_read_back(f in any::<f64>()) {
            prop_assume!(f.is_finite());
            let text = to_yaml(&Value::from(f)).unwrap();
            let back: Y = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            let Y::Number(n) = &back else { panic!("{text:?} read back as {back:?}") };
            prop_assert_eq!(n.as_f64().unwrap(), f, "{:?}", text);
            let text = to_yaml(&Value::from(vec![Value::from(f)])).unwrap();
            let back: Y = serde_yaml::from_str(&text).unwrap();
            prop_assert_eq!(back[0].as_f64().unwrap(), f, "{:?}", text);
        }

        #[test]
        fn quote_double_round_trips(s in any_string()) {
            let q = quote_double(&s);
            let doc = format!("k: {q}");
            let back: String = serde_yaml::from_str::<std::collections::BTreeMap<String, String>>(&doc)
                .unwrap_or_else(|e| panic!("{doc:?}: {e}"))
                .remove("k").unwrap();
            prop_assert_eq!(&back, &s);
            let doc = format!("a:\n  b:\n  - c: {q}\n    d: 1\n  e: 2\n");
            let back: Y = serde_yaml::from_str(&doc).unwrap_or_else(|e| panic!("{doc:?}: {e}"));
            prop_assert_eq!(&back["a"]["b"][0]["c"], &Y::String(s.clone()));
            prop_assert_eq!(&back["a"]["e"], &Y::Number(2.into()));
            let doc = format!("{q}: v");
            let back: Y = serde_yaml::from_str(&doc).unwrap_or_else(|e| panic!("{doc:?}: {e}"));
            prop_assert_eq!(back.as_mapping().unwrap().keys().next().unwrap(), &Y::String(s.clone()));
            // Plain reading of a double-quoted scalar: the result is one line.
            let one_line = !q.contains(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']);
            prop_assert!(one_line);
        }

        #[test]
        fn key_order_on_bytes_is_the_order_on_characters(
            a in "[a0-9Z_.-]{0,7}",
            b in "[a0-9Z_.-]{0,7}",
        ) {
            prop_assert_eq!(key_less(&a, &b), key_less_chars(&a, &b), "{:?} {:?}", a, b);
            let longer = format!("{a}0{b}");
            prop_assert_eq!(key_less(&a, &longer), key_less_chars(&a, &longer));
            prop_assert_eq!(key_less(&longer, &b), key_less_chars(&longer, &b));
        }

        #[test]
        fn plain_safe_strings_read_back(s in any_string()) {
            if is_plain_safe(&s) {
                let doc = format!("k: {s}");
                let back: Y = serde_yaml::from_str(&doc).unwrap_or_else(|e| panic!("{doc:?}: {e}"));
                prop_assert_eq!(&back["k"], &Y::String(s.clone()), "{:?}", doc);
                let doc = format!("- {s}\n- {s}: {s}\n");
                let back: Y = serde_yaml::from_str(&doc).unwrap_or_else(|e| panic!("{doc:?}: {e}"));
                prop_assert_eq!(&back[0], &Y::String(s.clone()), "{:?}", doc);
                prop_assert_eq!(&back[1][s.as_str()], &Y::String(s.clone()), "{:?}", doc);
                prop_assert_eq!(&serde_yaml::from_str::<Y>(&s).unwrap(), &Y::String(s.clone()));
            }
        }
    }
}
