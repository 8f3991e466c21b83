//! The string formats of the values schema (`"format": "..."`), each a check and a sentence
//! that says what is expected.

use std::sync::LazyLock;

use regex::Regex;

/// A named format: its check and what it expects, for messages.
pub struct Format {
    /// The name used in the schema's `format`.
    pub name: &'static str,
    /// Does the text have the format?
    pub check: fn(&str) -> bool,
    /// What is expected, completing "expected ...".
    pub expected: &'static str,
}

/// Every format of the values schema.
pub const FORMATS: &[Format] = &[
    Format {
        name: "http-url",
        check: is_http_url,
        expected: "an absolute http:// or https:// URL such as https://gitlab.example.com/",
    },
    Format {
        name: "http-url-or-empty",
        check: is_http_url_or_empty,
        expected: "an absolute http:// or https:// URL such as https://gitlab.example.com/",
    },
    Format {
        name: "k8s-quantity",
        check: is_quantity,
        expected: "a Kubernetes quantity such as 500m, 2, 1.5, 256Mi or 1Gi",
    },
    Format {
        name: "k8s-quantity-or-empty",
        check: is_quantity_or_empty,
        expected: "a Kubernetes quantity such as 500m, 2, 1.5, 256Mi or 1Gi",
    },
    Format {
        name: "dns-subdomain",
        check: is_dns_subdomain,
        expected: "a DNS-1123 name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters",
    },
    Format {
        name: "dns-subdomain-or-empty",
        check: is_dns_subdomain_or_empty,
        expected: "a DNS-1123 name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters",
    },
    Format {
        name: "dns-label",
        check: is_dns_label,
        expected: "a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
    },
    Format {
        name: "dns-label-or-empty",
        check: is_dns_label_or_empty,
        expected: "a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
    },
    Format {
        name: INTEGER_TEXT,
        check: is_integer_text,
        expected: "a whole number from 0 to 2147483647, in plain decimal digits (no sign, spaces or leading zeros)",
    },
    Format {
        name: INTEGER_TEXT_OR_EMPTY,
        check: is_integer_text_or_empty,
        expected: "a whole number from 0 to 2147483647, in plain decimal digits (no sign, spaces or leading zeros)",
    },
    Format {
        name: POSITIVE_INTEGER_TEXT_OR_EMPTY,
        check: is_positive_integer_text_or_empty,
        expected: "a whole number from 1 to 2147483647, in plain decimal digits (no sign, spaces or leading zeros)",
    },
    Format {
        name: "ip-address",
        check: is_ip_address,
        expected: "an IPv4 or IPv6 address such as 10.0.0.1 or fd00::1",
    },
    Format {
        name: "env-var-name",
        check: is_env_var_name,
        expected: "an environment variable name: letters, digits, '_', '-' and '.', not starting with a digit",
    },
    Format {
        name: "k8s-label-key",
        check: is_qualified_name,
        expected: "a Kubernetes label key: an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
    },
    Format {
        name: "k8s-annotation-key",
        check: is_qualified_name,
        expected: "a Kubernetes annotation key: an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
    },
    Format {
        name: "k8s-label-value",
        check: is_label_value,
        expected: "a Kubernetes label value: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, or empty",
    },
];

/// The formats of numbers that may be given as strings (`--set-string concurrent=5`): the chart
/// prints such a string as the number, so it is accepted with a warning.
pub const INTEGER_TEXT: &str = "integer-text";
/// [`INTEGER_TEXT`], or empty (Helm's templates treat `""` as not set).
pub const INTEGER_TEXT_OR_EMPTY: &str = "integer-text-or-empty";
/// A whole number of at least 1 as text, or empty.
pub const POSITIVE_INTEGER_TEXT_OR_EMPTY: &str = "positive-integer-text-or-empty";

/// Is `format` one of the formats of a number given as text?
pub fn is_integer_text_format(format: &str) -> bool {
    [
        INTEGER_TEXT,
        INTEGER_TEXT_OR_EMPTY,
        POSITIVE_INTEGER_TEXT_OR_EMPTY,
    ]
    .contains(&format)
}

/// The format named `name`.
pub fn by_name(name: &str) -> Option<&'static Format> {
    FORMATS.iter().find(|f| f.name == name)
}

/// Declares `name(s)`: `check(s)`, or the empty string. For optional keys that the chart tests
/// with `if` or `default`, where Go templates treat `""` as not set.
macro_rules! or_empty {
    ($($name:ident => $check:ident),* $(,)?) => {
        $(
            #[doc = concat!("[`", stringify!($check), "`], or the empty string (not set).")]
            pub fn $name(s: &str) -> bool {
                s.is_empty() || $check(s)
            }
        )*
    };
}

or_empty!(
    is_http_url_or_empty => is_http_url,
    is_quantity_or_empty => is_quantity,
    is_dns_subdomain_or_empty => is_dns_subdomain,
    is_dns_label_or_empty => is_dns_label,
    is_integer_text_or_empty => is_integer_text,
    is_positive_integer_text_or_empty => is_positive_integer_text,
);

/// A whole number from 0 to 2147483647 as text, as Go prints it (`5`, not `05`, `+5` or
/// `5.0`): printed by the chart where a number belongs, it reads back as that number in YAML
/// and TOML.
pub fn is_integer_text(s: &str) -> bool {
    let canonical = s == "0" || (!s.starts_with('0') && s.bytes().all(|b| b.is_ascii_digit()));
    canonical && !s.is_empty() && s.parse::<u32>().is_ok_and(|n| n <= i32::MAX as u32)
}

/// [`is_integer_text`], at least 1.
pub fn is_positive_integer_text(s: &str) -> bool {
    is_integer_text(s) && s != "0"
}

/// An absolute URL with the http or https scheme and a host.
pub fn is_http_url(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
        && url::Url::parse(s).is_ok_and(|u| u.has_host() && u.host_str() != Some(""))
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A Kubernetes quantity (non-negative): a decimal number and an optional binary (Ki..Ei),
/// decimal (m, k, M..E) or exponent suffix.
pub fn is_quantity(s: &str) -> bool {
    static QUANTITY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\+?([0-9]+(\.[0-9]*)?|\.[0-9]+)([KMGTPE]i|[mkMGTPE]|[eE][+-]?[0-9]+)?$")
            .expect("valid regex")
    });
    QUANTITY.is_match(s)
}

/// A DNS-1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
pub fn is_dns_label(s: &str) -> bool {
    crate::context::is_dns1123_label(s)
}

/// A DNS-1123 subdomain: dot-separated DNS-1123 labels, at most 253 characters.
pub fn is_dns_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_dns_label)
}

/// An IPv4 or IPv6 address.
pub fn is_ip_address(s: &str) -> bool {
    s.parse::<std::net::IpAddr>().is_ok()
}

/// An environment variable name as Kubernetes accepts it: `[-._a-zA-Z][-._a-zA-Z0-9]*`.
pub fn is_env_var_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '_' | '-' | '.'))
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, at most 63 characters.
fn is_name_part(s: &str) -> bool {
    let bytes = s.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// A label or annotation key: `[prefix/]name`, the prefix a DNS-1123 subdomain.
pub fn is_qualified_name(s: &str) -> bool {
    match s.split_once('/') {
        Some((prefix, name)) => {
            !prefix.is_empty() && is_dns_subdomain(prefix) && is_name_part(name)
        }
        None => is_name_part(s),
    }
}

/// A label value: empty, or a name part.
pub fn is_label_value(s: &str) -> bool {
    s.is_empty() || is_name_part(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        for ok in [
            "http://139.24.120.248/",
            "https://gitlab.example.com",
            "https://g.example:8443/path?q=1",
        ] {
            assert!(is_http_url(ok), "{ok}");
        }
        for bad in [
            "gitlab.example.com",
            "ftp://x",
            "https://",
            "http:///x",
            "https://a b",
            " https://a",
            "",
            "https:x",
        ] {
            assert!(!is_http_url(bad), "{bad}");
        }
    }

    #[test]
    fn quantities() {
        for ok in [
            "500m", "2", "1.5", "256Mi", "1Gi", "1e3", ".5", "100k", "+1",
        ] {
            assert!(is_quantity(ok), "{ok}");
        }
        for bad in [
            "", "2 cores", "1gi", "1GB", "-1", "m", "1.2.3", "1Mi ", "0x10",
        ] {
            assert!(!is_quantity(bad), "{bad}");
        }
    }

    #[test]
    fn dns_names() {
        assert!(is_dns_subdomain("gitlab.internal.acme-corp.io"));
        assert!(!is_dns_subdomain("Gitlab.example.com"));
        assert!(!is_dns_subdomain("a..b"));
        assert!(!is_dns_subdomain(&"a".repeat(254)));
        assert!(is_dns_label("ci-jobs"));
        assert!(!is_dns_label("ci.jobs"));
    }

    #[test]
    fn label_keys_and_values() {
        for ok in [
            "app",
            "node-role.kubernetes.io/worker",
            "owner.team",
            "a_b",
            "A1",
        ] {
            assert!(is_qualified_name(ok), "{ok}");
        }
        for bad in [
            "",
            "-a",
            "a-",
            "/a",
            "a/",
            "x y",
            "Example.com/a",
            "a/b/c",
            &"a".repeat(64),
        ] {
            assert!(!is_qualified_name(bad), "{bad}");
        }
        assert!(is_label_value(""));
        assert!(is_label_value("true"));
        assert!(!is_label_value("ünï"));
        assert!(!is_label_value("a b"));
    }

    #[test]
    fn ips_and_env_names() {
        assert!(is_ip_address("10.20.0.15") && is_ip_address("fd00::10"));
        assert!(!is_ip_address("10.20.0") && !is_ip_address("gitlab"));
        assert!(is_env_var_name("GIT_DEPTH") && is_env_var_name("a.b-c"));
        assert!(!is_env_var_name("1A") && !is_env_var_name("A=B") && !is_env_var_name(""));
    }

    #[test]
    fn integer_texts() {
        for ok in ["0", "5", "180", "2147483647"] {
            assert!(is_integer_text(ok), "{ok}");
        }
        for bad in [
            "",
            "05",
            "+5",
            "-1",
            "5.0",
            "1e3",
            " 5",
            "5 ",
            "0x10",
            "2147483648",
            "99999999999",
            "٣",
        ] {
            assert!(!is_integer_text(bad), "{bad}");
        }
        assert!(is_positive_integer_text("1") && !is_positive_integer_text("0"));
        assert!(is_integer_text_or_empty("") && is_positive_integer_text_or_empty(""));
        assert!(!is_positive_integer_text_or_empty("0"));
    }

    #[test]
    fn empty_is_not_set_only_in_the_or_empty_formats() {
        for format in FORMATS {
            let admits_empty = (format.check)("");
            let or_empty = format.name.ends_with("-or-empty");
            // label values may be empty in Kubernetes itself
            let empty_is_valid = format.name == "k8s-label-value";
            assert_eq!(
                admits_empty,
                or_empty || empty_is_valid,
                "{}: admits \"\": {admits_empty}",
                format.name
            );
            if let Some(base) = format.name.strip_suffix("-or-empty") {
                // a wrong value is told what is expected, not that it could also be empty
                let base = by_name(base).map(|f| f.expected);
                if format.name.contains("integer") {
                    assert!(
                        format.expected.starts_with("a whole number"),
                        "{}",
                        format.name
                    );
                } else {
                    assert_eq!(base, Some(format.expected), "{}", format.name);
                }
            }
        }
        assert!(is_dns_subdomain_or_empty("") && !is_dns_subdomain_or_empty("A"));
        assert!(is_http_url_or_empty("") && !is_http_url_or_empty("gitlab"));
        assert!(is_quantity_or_empty("") && !is_quantity_or_empty("2 cores"));
        assert!(is_dns_label_or_empty("") && !is_dns_label_or_empty("a.b"));
    }

    #[test]
    fn every_format_has_a_unique_name() {
        let mut names: Vec<&str> = FORMATS.iter().map(|f| f.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), FORMATS.len());
    }
}
