//! Sprig/Helm `semverCompare`, following the rules of Masterminds/semver v3
//! (the library sprig uses).
//!
//! Versions are the loose form `[v]MAJOR[.MINOR[.PATCH]][-prerelease][+build]`
//! (missing parts are 0). Constraints are comparators (`=`, `!=`, `>`, `<`,
//! `>=`, `=>`, `<=`, `=<`, `~`, `~>`, `^`, or none for `=`), each followed by
//! a version that may use the wildcards `x`, `X` or `*` (or simply leave parts
//! out), hyphen ranges `A - B`, AND by comma or whitespace and OR by `||`.
//!
//! Prereleases: a version with a prerelease (such as `1.30.0-gke.1`) only
//! satisfies an AND group in which at least one comparator carries a
//! prerelease itself; that is why charts write `>=1.23-0`. Ordering of
//! prereleases follows semver 2.0 (numeric identifiers compare numerically and
//! sort before alphanumeric ones, which compare in ASCII order; a shorter set
//! of identifiers sorts first). Build metadata is ignored in comparisons.

use std::cmp::Ordering;

use minijinja::{Error, ErrorKind};

/// Sprig/Helm `semverCompare`: does `version` satisfy `constraint`?
///
/// The constraint is parsed first, so a bad constraint is reported even when
/// the version is bad too (as sprig does). Errors are `InvalidOperation` and
/// quote the offending text.
pub fn semver_compare(constraint: &str, version: &str) -> Result<bool, Error> {
    let groups = parse_constraints(constraint).map_err(|msg| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("semverCompare: invalid constraint {constraint:?}: {msg}"),
        )
    })?;
    let version = parse_version(version).map_err(|msg| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("semverCompare: invalid version {version:?}: {msg}"),
        )
    })?;
    Ok(groups.iter().any(|group| group.matches(&version)))
}

// ---------------------------------------------------------------------------
// Versions

#[derive(Debug, Clone, PartialEq, Eq)]
struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    /// Prerelease without the leading `-`; empty when there is none.
    pre: String,
}

impl Version {
    fn is_zero(&self) -> bool {
        self.major == 0 && self.minor == 0 && self.patch == 0
    }

    /// Semver 2.0 precedence (build metadata is not kept, so it is ignored).
    fn compare(&self, other: &Version) -> Ordering {
        self.major
            .cmp(&other.major)
            .then(self.minor.cmp(&other.minor))
            .then(self.patch.cmp(&other.patch))
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.pre, &other.pre),
            })
    }
}

/// Compares two prerelease strings identifier by identifier; a missing
/// identifier sorts before any present one.
fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let mut left = a.split('.');
    let mut right = b.split('.');
    loop {
        let ord = match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (Some(_), None) => Ordering::Greater,
            (None, Some(_)) => Ordering::Less,
            (Some(x), Some(y)) => compare_identifier(x, y),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
}

fn compare_identifier(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    if a.is_empty() {
        return Ordering::Less;
    }
    if b.is_empty() {
        return Ordering::Greater;
    }
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Err(_), Err(_)) => a.as_bytes().cmp(b.as_bytes()),
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

fn validate_prerelease(pre: &str) -> Result<(), String> {
    for ident in pre.split('.') {
        if ident.is_empty() {
            return Err(format!("empty identifier in prerelease {pre:?}"));
        }
        if !ident.chars().all(is_ident_char) {
            return Err(format!(
                "prerelease {pre:?} may only contain ASCII letters, digits, '-' and '.'"
            ));
        }
        if ident.len() > 1 && ident.bytes().all(|b| b.is_ascii_digit()) && ident.starts_with('0') {
            return Err(format!(
                "numeric prerelease identifier {ident:?} has a leading zero"
            ));
        }
    }
    Ok(())
}

fn validate_build(build: &str) -> Result<(), String> {
    for ident in build.split('.') {
        if ident.is_empty() {
            return Err(format!("empty identifier in build metadata {build:?}"));
        }
        if !ident.chars().all(is_ident_char) {
            return Err(format!(
                "build metadata {build:?} may only contain ASCII letters, digits, '-' and '.'"
            ));
        }
    }
    Ok(())
}

/// Splits `[v]CORE[-PRE][+BUILD]` into core and prerelease, validating the
/// prerelease and build parts.
fn split_version_text(text: &str) -> Result<(&str, &str), String> {
    let body = text.strip_prefix('v').unwrap_or(text);
    let (rest, build) = match body.split_once('+') {
        Some((rest, build)) => (rest, Some(build)),
        None => (body, None),
    };
    if let Some(build) = build {
        validate_build(build)?;
    }
    let (core, pre) = match rest.split_once('-') {
        Some((core, pre)) => (core, pre),
        None => (rest, ""),
    };
    if rest.len() > core.len() {
        // There was a '-': the prerelease must not be empty.
        validate_prerelease(pre)?;
    }
    if core.is_empty() {
        return Err("missing the major version number".to_string());
    }
    Ok((core, pre))
}

fn parse_number(part: &str, what: &str) -> Result<u64, String> {
    if part.is_empty() {
        return Err(format!("empty {what} version number"));
    }
    if !part.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{what} version {part:?} is not a number"));
    }
    part.parse::<u64>()
        .map_err(|_| format!("{what} version {part:?} is too large"))
}

const PART_NAMES: [&str; 3] = ["major", "minor", "patch"];

fn parse_version(text: &str) -> Result<Version, String> {
    if text.is_empty() {
        return Err("empty version".to_string());
    }
    let (core, pre) = split_version_text(text)?;
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() > 3 {
        return Err("more than three version numbers".to_string());
    }
    let mut nums = [0u64; 3];
    for (i, part) in parts.iter().enumerate() {
        nums[i] = parse_number(part, PART_NAMES[i])?;
    }
    Ok(Version {
        major: nums[0],
        minor: nums[1],
        patch: nums[2],
        pre: pre.to_string(),
    })
}

// ---------------------------------------------------------------------------
// Constraints

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    Tilde,
    Caret,
}

/// Which part of a constraint version is a wildcard (or left out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wild {
    /// `1.2.3`: exact.
    None,
    /// `1.2`, `1.2.x`.
    Patch,
    /// `1`, `1.x`, `1.x.x`.
    Minor,
    /// `*`, `x`, `x.x.x`.
    All,
}

#[derive(Debug, Clone)]
struct Comparator {
    op: Op,
    con: Version,
    wild: Wild,
}

/// A group of comparators that must all match.
#[derive(Debug, Clone)]
struct Group(Vec<Comparator>);

impl Group {
    fn matches(&self, v: &Version) -> bool {
        // Prereleases are only considered when the group asks for them.
        if !v.pre.is_empty() && !self.0.iter().any(|c| !c.con.pre.is_empty()) {
            return false;
        }
        self.0.iter().all(|c| c.matches(v))
    }
}

impl Comparator {
    fn matches(&self, v: &Version) -> bool {
        let c = &self.con;
        match self.op {
            Op::Eq => {
                if self.wild == Wild::None {
                    v.compare(c) == Ordering::Equal
                } else {
                    self.tilde(v)
                }
            }
            Op::Ne => self.not_equal(v),
            Op::Gt => {
                if self.wild == Wild::None {
                    v.compare(c) == Ordering::Greater
                } else if v.major != c.major {
                    v.major > c.major
                } else {
                    match self.wild {
                        // `>1` needs 2.0.0 or more.
                        Wild::Minor => false,
                        // `>1.2` needs 1.3.0 or more.
                        Wild::Patch => v.minor > c.minor,
                        _ => v.compare(c) == Ordering::Greater,
                    }
                }
            }
            Op::Lt => v.compare(c) == Ordering::Less,
            Op::Ge => v.compare(c) != Ordering::Less,
            Op::Le => {
                if self.wild == Wild::None {
                    v.compare(c) != Ordering::Greater
                } else if v.major > c.major {
                    false
                } else {
                    !(v.major == c.major && v.minor > c.minor && self.wild != Wild::Minor)
                }
            }
            Op::Tilde => self.tilde(v),
            Op::Caret => self.caret(v),
        }
    }

    /// `~1.2.3` is `>=1.2.3 <1.3.0`, `~1.2` is `>=1.2.0 <1.3.0`, `~1` is
    /// `>=1.0.0 <2.0.0`, `~*` is anything.
    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.is_zero() && !matches!(self.wild, Wild::Minor | Wild::Patch) {
            return true;
        }
        if v.major != c.major {
            return false;
        }
        v.minor == c.minor || self.wild == Wild::Minor
    }

    /// `^1.2.3` is `>=1.2.3 <2.0.0`, `^0.2.3` is `>=0.2.3 <0.3.0`, `^0.0.3` is
    /// `>=0.0.3 <0.0.4`, `^0` is `>=0.0.0 <1.0.0`, `^0.0` is `>=0.0.0 <0.1.0`.
    fn caret(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major > 0 || self.wild == Wild::Minor {
            return v.major == c.major;
        }
        if v.major > 0 {
            return false;
        }
        if c.minor > 0 || self.wild == Wild::Patch {
            return v.minor == c.minor;
        }
        if v.minor > 0 {
            return false;
        }
        v.patch == c.patch
    }

    fn not_equal(&self, v: &Version) -> bool {
        let c = &self.con;
        if self.wild != Wild::None {
            if c.major != v.major {
                return true;
            }
            if self.wild == Wild::Minor {
                return false;
            }
            if c.minor != v.minor {
                return true;
            }
            if self.wild == Wild::Patch {
                // Same major and minor: only a differing prerelease makes it
                // "not equal" to `1.2.x`.
                return (!v.pre.is_empty() || !c.pre.is_empty())
                    && compare_prerelease(&v.pre, &c.pre) != Ordering::Equal;
            }
            if c.patch != v.patch {
                return true;
            }
        }
        v.compare(c) != Ordering::Equal
    }
}

const OPERATORS: [(&str, Op); 11] = [
    ("!=", Op::Ne),
    (">=", Op::Ge),
    ("=>", Op::Ge),
    ("<=", Op::Le),
    ("=<", Op::Le),
    ("~>", Op::Tilde),
    (">", Op::Gt),
    ("<", Op::Lt),
    ("=", Op::Eq),
    ("~", Op::Tilde),
    ("^", Op::Caret),
];

fn is_wildcard(part: &str) -> bool {
    matches!(part, "x" | "X" | "*")
}

/// Parses the version of a comparator, which may contain wildcards or leave
/// trailing parts out.
fn parse_constraint_version(text: &str) -> Result<(Version, Wild), String> {
    let bad = |msg: String| format!("bad version {text:?} ({msg})");
    let (core, pre) = split_version_text(text).map_err(bad)?;
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() > 3 {
        return Err(bad("more than three version numbers".to_string()));
    }
    for (i, part) in parts.iter().enumerate() {
        if !is_wildcard(part) && (part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit())) {
            return Err(bad(format!(
                "{} part {part:?} is neither a number nor a wildcard",
                PART_NAMES[i]
            )));
        }
    }
    // The first wildcard or missing part decides; whatever follows it is
    // ignored (as Masterminds/semver does).
    let wild = if is_wildcard(parts[0]) {
        Wild::All
    } else if parts.len() < 2 || is_wildcard(parts[1]) {
        Wild::Minor
    } else if parts.len() < 3 || is_wildcard(parts[2]) {
        Wild::Patch
    } else {
        Wild::None
    };
    let used = match wild {
        Wild::All => 0,
        Wild::Minor => 1,
        Wild::Patch => 2,
        Wild::None => 3,
    };
    let mut nums = [0u64; 3];
    for i in 0..used {
        nums[i] = parse_number(parts[i], PART_NAMES[i]).map_err(bad)?;
    }
    let con = Version {
        major: nums[0],
        minor: nums[1],
        patch: nums[2],
        pre: pre.to_string(),
    };
    Ok((con, wild))
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c')
}

/// A tiny cursor over one OR segment of a constraint.
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    /// Skips whitespace; tells whether any was skipped.
    /// Whitespace is ASCII only, like Go's `\s`.
    fn skip_ws(&mut self) -> bool {
        let rest = self.rest();
        let trimmed = rest.trim_start_matches(is_space);
        self.pos += rest.len() - trimmed.len();
        rest.len() != trimmed.len()
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn operator(&mut self) -> Option<(&'static str, Op)> {
        for (text, op) in OPERATORS {
            if self.eat(text) {
                return Some((text, op));
            }
        }
        None
    }

    /// Reads a version-like token: letters, digits, `.`, `-`, `+`, `*`.
    fn version_token(&mut self) -> &'a str {
        let rest = self.rest();
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '*')))
            .unwrap_or(rest.len());
        self.pos += len;
        &rest[..len]
    }

    /// Is the cursor at ` - ` (a hyphen range separator)? Expects the
    /// whitespace before the hyphen to be skipped already.
    fn at_range_hyphen(&self) -> bool {
        let rest = self.rest();
        rest.starts_with('-') && rest[1..].starts_with(is_space)
    }
}

fn comparator(op: Op, version: &str) -> Result<Comparator, String> {
    let (con, wild) = parse_constraint_version(version)?;
    Ok(Comparator { op, con, wild })
}

fn parse_group(segment: &str) -> Result<Group, String> {
    let mut cur = Cursor {
        text: segment,
        pos: 0,
    };
    let mut comparators = Vec::new();
    cur.skip_ws();
    if cur.at_end() {
        return Err("empty constraint".to_string());
    }
    loop {
        let start = cur.pos;
        let op = cur.operator();
        cur.skip_ws();
        let version = cur.version_token();
        if version.is_empty() {
            return Err(match op {
                Some((text, _)) => format!("operator {text:?} is not followed by a version"),
                None => format!("unexpected text {:?}", cur.text[start..].trim_end()),
            });
        }
        let had_ws = cur.skip_ws();
        if op.is_none() && had_ws && cur.at_range_hyphen() {
            // Hyphen range `A - B` is `>=A, <=B`.
            cur.eat("-");
            cur.skip_ws();
            let upper = cur.version_token();
            if upper.is_empty() {
                return Err(format!(
                    "hyphen range {:?} has no upper bound",
                    cur.text[start..].trim_end()
                ));
            }
            comparators.push(comparator(Op::Ge, version)?);
            comparators.push(comparator(Op::Le, upper)?);
        } else {
            comparators.push(comparator(op.map_or(Op::Eq, |(_, op)| op), version)?);
        }
        let had_ws = cur.skip_ws() || had_ws;
        if cur.at_end() {
            break;
        }
        if cur.eat(",") {
            cur.skip_ws();
            if cur.at_end() {
                return Err("trailing comma".to_string());
            }
        } else if !had_ws {
            return Err(format!(
                "expected ',' or whitespace before {:?}",
                cur.rest().trim_end()
            ));
        }
    }
    Ok(Group(comparators))
}

fn parse_constraints(text: &str) -> Result<Vec<Group>, String> {
    text.split("||").map(parse_group).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(constraint: &str, version: &str) -> bool {
        match semver_compare(constraint, version) {
            Ok(b) => b,
            Err(e) => panic!("semver_compare({constraint:?}, {version:?}) failed: {e}"),
        }
    }

    fn err(constraint: &str, version: &str) -> String {
        match semver_compare(constraint, version) {
            Ok(b) => panic!("semver_compare({constraint:?}, {version:?}) = {b}, expected error"),
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::InvalidOperation);
                e.to_string()
            }
        }
    }

    /// (constraint, version, expected)
    fn table(cases: &[(&str, &str, bool)]) {
        for &(c, v, want) in cases {
            assert_eq!(check(c, v), want, "semverCompare {c:?} {v:?}");
        }
    }

    /// One named test per case: `name: "constraint", "version" => expected;`
    macro_rules! cases {
        ($($name:ident: $c:expr, $v:expr => $want:expr;)*) => {
            $(
                #[test]
                fn $name() {
                    assert_eq!(check($c, $v), $want, "semverCompare {:?} {:?}", $c, $v);
                }
            )*
        };
    }

    cases! {
        idiom_ge_1_23_rejects_1_22_9: ">=1.23-0", "v1.22.9" => false;
        idiom_ge_1_23_accepts_1_23_0: ">=1.23-0", "v1.23.0" => true;
        idiom_ge_1_23_accepts_gke_prerelease: ">=1.23-0", "v1.30.0-gke.1" => true;
        idiom_ge_1_23_rejects_old_eks_prerelease: ">=1.23-0", "v1.19.16-eks-25803" => false;
        idiom_ge_1_19_accepts_eks_prerelease: ">=1.19-0", "v1.19.16-eks-25803" => true;
        idiom_lt_1_25_with_eks: "<1.25-0", "v1.24.17-eks-f8587cb" => true;
        idiom_range_with_spaces: ">= 1.16-0, < 1.22-0", "v1.21.14-gke.2100" => true;
        idiom_without_dash_zero_rejects_prerelease: ">=1.23", "v1.30.0-gke.1" => false;
        idiom_without_dash_zero_accepts_release: ">=1.23", "v1.30.0" => true;
        idiom_k3s_build_metadata: ">=1.25-0", "v1.28.2+k3s1" => true;
        idiom_short_version: ">=1.20-0", "1.20" => true;
        idiom_short_major_only: "<1.20-0", "1" => true;
        eq_missing_op_exact: "1.2.3", "1.2.3" => true;
        eq_ignores_build: "=1.2.3", "1.2.3+b.7" => true;
        ne_exact: "!=1.2.3", "1.2.3" => false;
        gt_exact: ">1.2.3", "1.2.4" => true;
        gt_short_needs_next_minor: ">1.2", "1.2.9" => false;
        lt_short_is_below_x_y_0: "<1.2", "1.1.99" => true;
        le_short_includes_patches: "<=1.2", "1.2.99" => true;
        ge_alias: "=>1.2.3", "1.2.2" => false;
        le_alias: "=<1.2.3", "1.2.3" => true;
        tilde_patch_range: "~1.2.3", "1.2.9" => true;
        tilde_stops_at_next_minor: "~1.2.3", "1.3.0" => false;
        tilde_major_only: "~1", "1.99.0" => true;
        tilde_arrow: "~>2.0", "2.0.7" => true;
        caret_major: "^1.2.3", "1.99.99" => true;
        caret_next_major: "^1.2.3", "2.0.0" => false;
        caret_zero_minor: "^0.2.3", "0.3.0" => false;
        caret_zero_zero_patch: "^0.0.3", "0.0.4" => false;
        wildcard_x: "1.2.x", "1.2.8" => true;
        wildcard_star: "1.*", "1.8.0" => true;
        wildcard_upper_x_outside: "1.X", "2.0.0" => false;
        star_accepts_release: "*", "3.4.5" => true;
        star_rejects_prerelease: "*", "3.4.5-rc.1" => false;
        hyphen_range_inside: "1.2 - 1.4", "1.3.5" => true;
        hyphen_range_upper_short: "1.2 - 1.4", "1.4.7" => true;
        hyphen_range_outside: "1.2 - 1.4", "1.5.0" => false;
        and_by_comma: ">=1.2,<1.3", "1.2.5" => true;
        and_by_space: ">=1.2 <1.3", "1.3.0" => false;
        or_groups: "<1.0 || >=3.0", "3.1.0" => true;
        or_groups_neither: "<1.0 || >=3.0", "2.0.0" => false;
        prerelease_numeric_order: ">1.0.0-beta.2", "1.0.0-beta.11" => true;
        prerelease_before_release: "<1.0.0", "1.0.0-rc.1" => false;
        prerelease_before_release_opted_in: "<1.0.0-0 || <1.0.1-0", "1.0.0-rc.1" => true;
    }

    #[test]
    fn helm_idiom_ge_with_prerelease_zero() {
        table(&[
            (">=1.23-0", "v1.22.9", false),
            (">=1.23-0", "v1.23.0", true),
            (">=1.23-0", "v1.30.0-gke.1", true),
            (">=1.23-0", "v1.19.16-eks-25803", false),
            (">=1.23-0", "v1.23.0-rc.1", true),
            (">=1.23-0", "v1.23.17-eks-a59e1f0", true),
            (">=1.23-0", "1.24", true),
            (">=1.23-0", "v1.25.3+k3s1", true),
            ("<1.23-0", "v1.22.9", true),
            ("<1.23-0", "v1.19.16-eks-25803", true),
            ("<1.23-0", "v1.23.0", false),
        ]);
    }

    #[test]
    fn prerelease_versions_need_prerelease_comparators() {
        table(&[
            (">=1.23", "v1.30.0-gke.1", false),
            (">=1.23", "v1.30.0", true),
            (">=1.19", "v1.19.16-eks-25803", false),
            ("<2", "v1.19.16-eks-25803", false),
            ("*", "1.2.3-beta", false),
            ("*", "1.2.3", true),
            // A prerelease anywhere in the AND group opts the whole group in.
            (">=1.23-0 <1.31", "v1.30.0-gke.1", true),
            (">=1.23-0 <1.30", "v1.30.0-gke.1", true), // 1.30.0-gke.1 sorts before 1.30.0
            (">=1.23-0 <1.29", "v1.30.0-gke.1", false),
            // ... but not another OR group.
            (">=2.0.0-0 || >=1.23", "v1.30.0-gke.1", false),
            (">=1.23 || >=1.0.0-0", "v1.30.0-gke.1", true),
        ]);
    }

    #[test]
    fn prerelease_ordering() {
        table(&[
            (">1.0.0-alpha", "1.0.0-alpha.1", true),
            (">1.0.0-alpha.1", "1.0.0-alpha.beta", true),
            (">1.0.0-alpha.beta", "1.0.0-beta", true),
            (">1.0.0-beta", "1.0.0-beta.2", true),
            (">1.0.0-beta.2", "1.0.0-beta.11", true),
            (">1.0.0-beta.11", "1.0.0-rc.1", true),
            (">1.0.0-rc.1", "1.0.0", true),
            ("<1.0.0-beta.11", "1.0.0-beta.2", true),
            (">1.0.0-1", "1.0.0-a", true),
            (">=1.2.3-BETA", "1.2.3-alpha", true),
            ("=1.0.0-rc.1", "1.0.0-rc.1+build.5", true),
        ]);
    }

    #[test]
    fn plain_operators() {
        table(&[
            ("1.2.3", "1.2.3", true),
            ("1.2.3", "1.2.4", false),
            ("=1.2.3", "v1.2.3", true),
            ("= 1.2.3", "1.2.3", true),
            ("!=1.2.3", "1.2.4", true),
            ("!=1.2.3", "1.2.3", false),
            (">1.2.3", "1.2.4", true),
            (">1.2.3", "1.2.3", false),
            ("<1.2.3", "1.2.2", true),
            ("<1.2.3", "1.2.3", false),
            (">=1.2.3", "1.2.3", true),
            ("=>1.2.3", "1.2.3", true),
            ("=>1.2.3", "1.2.2", false),
            ("<=1.2.3", "1.2.3", true),
            ("=<1.2.3", "1.2.4", false),
            (">= 1.2.3", "1.3", true),
            ("1.2.3+build", "1.2.3+other", true),
        ]);
    }

    #[test]
    fn short_and_missing_parts() {
        table(&[
            // Versions: missing parts are 0.
            (">=1.20.0", "1.20", true),
            ("=1.0.0", "1", true),
            ("<1.20.1", "v1.20", true),
            // Constraints: a missing part acts like a wildcard.
            ("1.2", "1.2.9", true),
            ("=1.2", "1.3.0", false),
            (">1.2", "1.2.9", false),
            (">1.2", "1.3.0", true),
            (">1", "1.9.9", false),
            (">1", "2.0.0", true),
            ("<=1.2", "1.2.9", true),
            ("<=1.2", "1.3.0", false),
            ("<=1", "1.99.0", true),
            ("<1.2", "1.1.9", true),
            ("<1.2", "1.2.0", false),
            ("!=1.2", "1.2.5", false),
            ("!=1.2", "1.3.0", true),
            ("!=1", "1.3.0", false),
        ]);
    }

    #[test]
    fn wildcards() {
        table(&[
            ("1.2.x", "1.2.0", true),
            ("1.2.x", "1.2.99", true),
            ("1.2.x", "1.3.0", false),
            ("1.2.*", "1.2.7", true),
            ("1.X", "1.9.0", true),
            ("1.x", "2.0.0", false),
            (">=1.2.x", "1.2.0", true),
            (">=1.2.x", "1.1.9", false),
            ("<=2.x", "2.9.9", true),
            ("<=2.x", "3.0.0", false),
            ("*", "0.0.0", true),
            ("x", "99.1.1", true),
            ("!=4.x", "5.0.0", true),
            ("!=4.x", "4.1.0", false),
            ("!=1.2.x", "1.2.3", false),
            ("!=1.2.x", "1.3.0", true),
        ]);
    }

    #[test]
    fn tilde() {
        table(&[
            ("~1.2.3", "1.2.3", true),
            ("~1.2.3", "1.2.9", true),
            ("~1.2.3", "1.3.0", false),
            ("~1.2.3", "1.2.2", false),
            ("~1.2", "1.2.0", true),
            ("~1.2", "1.3.0", false),
            ("~1", "1.9.0", true),
            ("~1", "2.0.0", false),
            ("~1.x", "1.5.0", true),
            ("~>1.2", "1.2.5", true),
            ("~0", "0.9.0", true),
            ("~0", "1.0.0", false),
            ("~*", "7.0.0", true),
        ]);
    }

    #[test]
    fn caret() {
        table(&[
            ("^1.2.3", "1.2.3", true),
            ("^1.2.3", "1.9.0", true),
            ("^1.2.3", "2.0.0", false),
            ("^1.2.3", "1.2.2", false),
            ("^1.2", "1.2.0", true),
            ("^1.x", "1.0.0", true),
            ("^2.x", "3.0.0", false),
            ("^0.2.3", "0.2.9", true),
            ("^0.2.3", "0.3.0", false),
            ("^0.2", "0.2.0", true),
            ("^0.2", "0.3.0", false),
            ("^0.0.3", "0.0.3", true),
            ("^0.0.3", "0.0.4", false),
            ("^0.0", "0.0.9", true),
            ("^0.0", "0.1.0", false),
            ("^0", "0.9.9", true),
            ("^0", "1.0.0", false),
        ]);
    }

    #[test]
    fn hyphen_ranges() {
        table(&[
            ("1.2 - 1.4", "1.2.0", true),
            ("1.2 - 1.4", "1.4.9", true),
            ("1.2 - 1.4", "1.5.0", false),
            ("1.2 - 1.4", "1.1.9", false),
            ("1.2.3 - 1.4.5", "1.4.5", true),
            ("1.2.3 - 1.4.5", "1.4.6", false),
            ("1.2 - 1.4.5 || 2.0.0", "2.0.0", true),
            ("1.0 - 1.5, !=1.3.0", "1.3.0", false),
        ]);
    }

    #[test]
    fn and_or_combinations() {
        table(&[
            (">=1.2, <2.0", "1.5.0", true),
            (">=1.2,<2.0", "2.0.0", false),
            (">=1.2 <2.0", "1.9.9", true),
            (">= 1.2 < 3.0.0 || >= 4.2.3", "4.5.0", true),
            (">= 1.2 < 3.0.0 || >= 4.2.3", "3.5.0", false),
            (">=1.2 , <2.0", "1.1.0", false),
            ("  >=1.21-0   ", "v1.21.0", true),
            ("<1.0.0 || >=2.0.0||=1.5.0", "1.5.0", true),
            (">=1.16-0 <1.22-0", "v1.19.16-eks-25803", true),
            (">=1.16-0 <1.22-0", "v1.22.0", false),
        ]);
    }

    #[test]
    fn v_prefix_in_constraint() {
        table(&[(">=v1.20.0", "v1.21.0", true), ("v1.2.3", "1.2.3", true)]);
    }

    #[test]
    fn bad_constraints_are_errors() {
        for c in [
            "",
            "   ",
            ">=",
            ">=1.2.3.4",
            "1.2.3 ||",
            "|| 1.2.3",
            ">=1.2<2",
            ">=1.2,",
            ">=1.2,,<2",
            "abc",
            "1.2a",
            ">=1.23-01",
            ">=1.2 - 1.4",
            "1.2 - ",
            "1.2 -1.4",
            ">=1.2.3-",
            ">=1.2.3+",
            "1.2.3-a..b",
            "=1.2.3!",
            "1x.2",
            ">=99999999999999999999.0",
        ] {
            let msg = err(c, "1.2.3");
            assert!(msg.contains("invalid constraint"), "{c:?}: {msg}");
            assert!(msg.contains(&format!("{c:?}")), "{c:?}: {msg}");
        }
    }

    #[test]
    fn bad_versions_are_errors() {
        for v in [
            "",
            "abc",
            "v",
            "1.2.3.4",
            "1.2.",
            ".1.2",
            "1..2",
            "1.2.3-",
            "1.2.3-beta..1",
            "1.2.3-01",
            "1.2.3+",
            "1.2.3-be_ta",
            " 1.2.3",
            "V1.2.3",
            "1.2.x",
            "-1.2.3",
            "18446744073709551616.0.0",
        ] {
            let msg = err(">=1.0.0", v);
            assert!(msg.contains("invalid version"), "{v:?}: {msg}");
            assert!(msg.contains(&format!("{v:?}")), "{v:?}: {msg}");
        }
    }

    #[test]
    fn constraint_error_reported_before_version_error() {
        let msg = err(">>1", "nope");
        assert!(msg.contains("invalid constraint"), "{msg}");
    }

    #[test]
    fn error_messages_are_readable() {
        let msg = err(">=1.2,", "1.2.3");
        assert!(msg.contains("trailing comma"), "{msg}");
        let msg = err(">=", "1.2.3");
        assert!(msg.contains("not followed by a version"), "{msg}");
        let msg = err(">=1.0", "1.2.3-01");
        assert!(msg.contains("leading zero"), "{msg}");
    }

    #[test]
    fn numeric_prerelease_larger_than_u64_compares_as_text() {
        // Masterminds falls back to text comparison when a numeric identifier
        // does not fit in 64 bits; it must not panic.
        assert!(check(
            ">1.0.0-99999999999999999999",
            "1.0.0-99999999999999999999a"
        ));
    }

    #[test]
    fn large_numbers() {
        table(&[
            (">=1.0.0", "18446744073709551615.0.0", true),
            ("<18446744073709551615", "1.0.0", true),
        ]);
    }

    #[test]
    fn non_ascii_never_panics() {
        assert!(semver_compare(">=1.0 ü", "1.0.0").is_err());
        assert!(semver_compare(">=1.0", "1.0.0-ü").is_err());
        assert!(semver_compare("ü - 1", "1.0.0").is_err());
        assert!(semver_compare("1 -\u{a0}2", "1.0.0").is_err());
        assert!(semver_compare("\u{a0}1.0", "1.0.0").is_err());
    }

    #[test]
    fn random_inputs_never_panic() {
        const ALPHABET: &[&str] = &[
            "0", "1", "2", "10", "00", ".", "-", "+", " ", ",", "||", "|", "<", ">", "=", "!", "~",
            "^", "x", "X", "*", "v", "a", "rc", "ü", "\t", " - ",
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut pick = |n: u64| {
            (0..n)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                .collect::<String>()
        };
        let mut ok = 0;
        for i in 0..20_000u64 {
            let constraint = pick(1 + i % 8);
            let version = pick(1 + i % 5);
            if semver_compare(&constraint, &version).is_ok() {
                ok += 1;
            }
        }
        // Some random inputs are valid, most are not; none panics.
        assert!(ok > 0);
    }
}
