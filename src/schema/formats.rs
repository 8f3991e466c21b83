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
        name: "k8s-quantity",
        check: is_quantity,
        expected: "a Kubernetes quantity such as 500m, 2, 1.5, 256Mi or 1Gi",
    },
    Format {
        name: "dns-subdomain",
        check: is_dns_subdomain,
        expected: "a DNS-1123 name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters",
    },
    Format {
        name: "dns-label",
        check: is_dns_label,
        expected: "a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
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

/// The format named `name`.
pub fn by_name(name: &str) -> Option<&'static Format> {
    FORMATS.iter().find(|f| f.name == name)
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
    fn every_format_has_a_unique_name() {
        let mut names: Vec<&str> = FORMATS.iter().map(|f| f.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), FORMATS.len());
    }
}
