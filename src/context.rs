//! What templates see besides `Values`: `Release`, `Capabilities` and `Template` (and `Chart`,
//! from [`crate::ChartMetadata`]), with the field names Helm gives them.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// Errors in the release name, namespace or Kubernetes version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReleaseError {
    /// The release name is not valid for Helm.
    #[error("invalid release name {name:?}: {reason}")]
    Name {
        /// The name given.
        name: String,
        /// Why it is invalid.
        reason: String,
    },
    /// The namespace is not a valid Kubernetes namespace name.
    #[error("invalid namespace {namespace:?}: {reason}")]
    Namespace {
        /// The namespace given.
        namespace: String,
        /// Why it is invalid.
        reason: String,
    },
    /// The Kubernetes version is not `MAJOR.MINOR[.PATCH]`.
    #[error(
        "invalid Kubernetes version {0:?}: expected MAJOR.MINOR or MAJOR.MINOR.PATCH, e.g. 1.30 or v1.30.2"
    )]
    KubeVersion(String),
}

/// The longest release name Helm accepts (so that generated names fit in 63 characters).
pub const MAX_RELEASE_NAME_LEN: usize = 53;

/// The release being rendered: `Release.Name`, `Release.Namespace`, ... in templates, as
/// `helm template NAME -n NAMESPACE` gives them.
///
/// ```
/// use gitlab_runner_chart::Release;
/// let release = Release::new("ci", "gitlab")?;
/// assert_eq!((release.name.as_str(), release.service.as_str(), release.revision), ("ci", "Helm", 1));
/// assert_eq!(Release::default().name, "release-name");
/// # Ok::<(), gitlab_runner_chart::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Release {
    /// `Release.Name`.
    #[serde(rename = "Name")]
    pub name: String,
    /// `Release.Namespace`.
    #[serde(rename = "Namespace")]
    pub namespace: String,
    /// `Release.Service`: always `Helm`, as `helm template` prints it in labels.
    #[serde(rename = "Service")]
    pub service: String,
    /// `Release.Revision`: 1.
    #[serde(rename = "Revision")]
    pub revision: u32,
    /// `Release.IsInstall`: true.
    #[serde(rename = "IsInstall")]
    pub is_install: bool,
    /// `Release.IsUpgrade`: false.
    #[serde(rename = "IsUpgrade")]
    pub is_upgrade: bool,
}

impl Release {
    /// A release as `helm template NAME -n NAMESPACE` renders it. The name must be a valid Helm
    /// release name (lowercase DNS-1123 subdomain of at most 53 characters), the namespace a
    /// DNS-1123 label.
    ///
    /// ```
    /// use gitlab_runner_chart::Release;
    /// assert!(Release::new("ci", "gitlab").is_ok());
    /// assert!(Release::new("CI", "gitlab").is_err());
    /// assert!(Release::new("ci", "my_ns").is_err());
    /// ```
    pub fn new(name: &str, namespace: &str) -> Result<Release, crate::Error> {
        check_release_name(name)?;
        check_namespace(namespace)?;
        Ok(Release {
            name: name.to_string(),
            namespace: namespace.to_string(),
            service: "Helm".to_string(),
            revision: 1,
            is_install: true,
            is_upgrade: false,
        })
    }
}

impl Default for Release {
    /// `release-name` in `default`, as `helm template` without a name.
    fn default() -> Release {
        Release::new("release-name", "default").expect("valid default release")
    }
}

fn check_release_name(name: &str) -> Result<(), ReleaseError> {
    let fail = |reason: &str| ReleaseError::Name {
        name: name.to_string(),
        reason: reason.to_string(),
    };
    if name.is_empty() {
        return Err(fail("must not be empty"));
    }
    if name.len() > MAX_RELEASE_NAME_LEN {
        return Err(fail(&format!(
            "must be at most {MAX_RELEASE_NAME_LEN} characters (it has {})",
            name.chars().count()
        )));
    }
    if !name.split('.').all(is_dns1123_label) {
        return Err(fail(
            "must consist of lowercase letters, digits, '-' and '.', and start and end with a letter or digit",
        ));
    }
    Ok(())
}

fn check_namespace(namespace: &str) -> Result<(), ReleaseError> {
    if namespace.len() > 63 || !is_dns1123_label(namespace) {
        return Err(ReleaseError::Namespace {
            namespace: namespace.to_string(),
            reason: "must be at most 63 lowercase letters, digits or '-', starting and ending with a letter or digit".to_string(),
        });
    }
    Ok(())
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
pub fn is_dns1123_label(s: &str) -> bool {
    let bytes = s.as_bytes();
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes.first().is_some_and(alnum)
        && bytes.last().is_some_and(alnum)
        && bytes.iter().all(|b| alnum(b) || *b == b'-')
}

/// A Kubernetes version (`--kube-version`), as `Capabilities.KubeVersion` in templates.
///
/// ```
/// use gitlab_runner_chart::KubeVersion;
/// let version: KubeVersion = "v1.30.2".parse()?;
/// assert_eq!(version, KubeVersion::new(1, 30, 2));
/// assert_eq!(version.to_string(), "v1.30.2");
/// assert!(version > KubeVersion::new(1, 29, 9));
/// # Ok::<(), gitlab_runner_chart::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KubeVersion {
    /// Major version (1).
    pub major: u32,
    /// Minor version.
    pub minor: u32,
    /// Patch version.
    pub patch: u32,
}

impl KubeVersion {
    /// The version rendered for when none is given: a current Kubernetes release.
    ///
    /// ```
    /// use gitlab_runner_chart::{KubeVersion, RenderOptions};
    /// assert_eq!(RenderOptions::default().kube_version, KubeVersion::DEFAULT);
    /// ```
    pub const DEFAULT: KubeVersion = KubeVersion::new(1, 35, 0);

    /// A version from its parts.
    ///
    /// ```
    /// use gitlab_runner_chart::KubeVersion;
    /// assert_eq!(KubeVersion::new(1, 20, 0).to_string(), "v1.20.0");
    /// ```
    pub const fn new(major: u32, minor: u32, patch: u32) -> KubeVersion {
        KubeVersion {
            major,
            minor,
            patch,
        }
    }

    /// True if this version is `major.minor` or later.
    ///
    /// ```
    /// use gitlab_runner_chart::KubeVersion;
    /// assert!(KubeVersion::new(1, 23, 0).at_least(1, 23));
    /// assert!(!KubeVersion::new(1, 22, 9).at_least(1, 23));
    /// ```
    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        (self.major, self.minor) >= (major, minor)
    }
}

impl Default for KubeVersion {
    fn default() -> KubeVersion {
        KubeVersion::DEFAULT
    }
}

impl FromStr for KubeVersion {
    type Err = crate::Error;

    /// Parses `1.30`, `1.30.2` or `v1.30.2`.
    ///
    /// ```
    /// use gitlab_runner_chart::KubeVersion;
    /// assert_eq!("v1.20".parse::<KubeVersion>().unwrap(), KubeVersion::new(1, 20, 0));
    /// assert!("1".parse::<KubeVersion>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<KubeVersion, crate::Error> {
        parse_kube_version(s).ok_or_else(|| ReleaseError::KubeVersion(s.to_string()).into())
    }
}

/// `1.30`, `1.30.2` or `v1.30.2` as a version; `None` for anything else.
fn parse_kube_version(s: &str) -> Option<KubeVersion> {
    let digits = s.strip_prefix('v').unwrap_or(s);
    let parts: Vec<&str> = digits.split('.').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let number = |p: &str| -> Option<u32> {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 6 {
            return None;
        }
        p.parse().ok()
    };
    let major = number(parts[0])?;
    let minor = number(parts[1])?;
    let patch = match parts.get(2) {
        Some(p) => number(p)?,
        None => 0,
    };
    Some(KubeVersion::new(major, minor, patch))
}

impl fmt::Display for KubeVersion {
    /// `v1.30.2`, as Helm prints `Capabilities.KubeVersion`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The template test `kubeAtLeast`: is the Kubernetes version rendered for `minimum` or later?
///
/// ```jinja
/// {% if Capabilities.KubeVersion is kubeAtLeast("1.23") %}autoscaling/v2{% endif %}
/// ```
///
/// The tested value is `Capabilities.KubeVersion` (its `Version`) or a version text such as
/// `"v1.30.2"`; `minimum` is `MAJOR.MINOR[.PATCH]`. Both are read as [`KubeVersion`]s and
/// compared as numbers (major, minor, patch). This is the one version question charts ask
/// (Helm charts write it `semverCompare ">=1.23-0" .Capabilities.KubeVersion.GitVersion`);
/// anything that is not such a version is a template error, not `false`.
pub(crate) fn kube_at_least(
    version: &minijinja::Value,
    minimum: &str,
) -> Result<bool, minijinja::Error> {
    let invalid = |what: &str, text: &str| {
        minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!(
                "kubeAtLeast: {what} {text:?} is not a Kubernetes version (MAJOR.MINOR or MAJOR.MINOR.PATCH, e.g. 1.23)"
            ),
        )
    };
    let field = match version.kind() {
        minijinja::value::ValueKind::Map => version.get_attr("Version")?,
        _ => version.clone(),
    };
    let text = field.as_str().unwrap_or_default();
    let version: KubeVersion = text.parse().map_err(|_| invalid("the version", text))?;
    let minimum: KubeVersion = minimum
        .parse()
        .map_err(|_| invalid("the minimum", minimum))?;
    Ok(version >= minimum)
}

/// `Capabilities.KubeVersion` as templates see it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct KubeVersionView {
    #[serde(rename = "Version")]
    version: String,
    #[serde(rename = "GitVersion")]
    git_version: String,
    #[serde(rename = "Major")]
    major: String,
    #[serde(rename = "Minor")]
    minor: String,
}

/// `Capabilities` as templates see it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Capabilities {
    #[serde(rename = "KubeVersion")]
    kube_version: KubeVersionView,
    /// The API versions given (`--api-versions`), as a list: `"apps/v1" in
    /// Capabilities.APIVersions` in templates.
    #[serde(rename = "APIVersions")]
    api_versions: Vec<String>,
}

impl Capabilities {
    pub(crate) fn new(kube: KubeVersion, api_versions: &[String]) -> Capabilities {
        Capabilities {
            api_versions: api_versions.to_vec(),
            kube_version: KubeVersionView {
                version: kube.to_string(),
                git_version: kube.to_string(),
                major: kube.major.to_string(),
                minor: kube.minor.to_string(),
            },
        }
    }
}

/// `Template` as templates see it: the file being rendered (`Name`, `BasePath`). The
/// templates of one render share one evaluation state, hence one `Template`: the renderer
/// moves it to each template in turn ([`CurrentTemplate::enter`]), so that the template, the
/// helper macros it calls and the values it runs through `tpl` all see the same file.
#[derive(Debug)]
pub(crate) struct CurrentTemplate {
    name: std::sync::Mutex<minijinja::Value>,
    base_path: minijinja::Value,
}

impl CurrentTemplate {
    pub(crate) fn new(base_path: &str) -> CurrentTemplate {
        CurrentTemplate {
            name: std::sync::Mutex::new(minijinja::Value::from("")),
            base_path: minijinja::Value::from(base_path),
        }
    }

    /// `Template.Name` is now `name`.
    pub(crate) fn enter(&self, name: String) {
        *self.name.lock().unwrap_or_else(|p| p.into_inner()) = minijinja::Value::from(name);
    }
}

impl minijinja::value::Object for CurrentTemplate {
    fn get_value(self: &std::sync::Arc<Self>, key: &minijinja::Value) -> Option<minijinja::Value> {
        match key.as_str()? {
            "Name" => Some(self.name.lock().unwrap_or_else(|p| p.into_inner()).clone()),
            "BasePath" => Some(self.base_path.clone()),
            _ => None,
        }
    }

    fn enumerate(self: &std::sync::Arc<Self>) -> minijinja::value::Enumerator {
        minijinja::value::Enumerator::Str(&["Name", "BasePath"])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_names() {
        assert!(Release::new("a", "default").is_ok());
        assert!(Release::new("my.release-1", "default").is_ok());
        assert!(Release::new(&"a".repeat(53), "default").is_ok());
        let err = Release::new(&"a".repeat(54), "default").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "invalid release name \"{}\": must be at most 53 characters (it has 54)",
                "a".repeat(54)
            )
        );
        for bad in ["", "-a", "a-", "A", "a_b", "a..b", "a b", "é"] {
            assert!(Release::new(bad, "default").is_err(), "{bad:?}");
        }
    }

    #[test]
    fn namespaces() {
        assert!(Release::new("a", "kube-system").is_ok());
        for bad in ["", "a.b", "A", "-a", &"a".repeat(64)] {
            assert!(Release::new("a", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn kube_versions() {
        assert_eq!(
            "1.23".parse::<KubeVersion>().unwrap(),
            KubeVersion::new(1, 23, 0)
        );
        assert_eq!(
            "v1.30.4".parse::<KubeVersion>().unwrap().to_string(),
            "v1.30.4"
        );
        for bad in ["", "1", "1.", "1.x", "v", "1.2.3.4", "1.-2", "1.30+"] {
            assert!(bad.parse::<KubeVersion>().is_err(), "{bad:?}");
        }
        assert!(KubeVersion::new(1, 23, 0).at_least(1, 23));
        assert!(KubeVersion::new(1, 9, 0) < KubeVersion::new(1, 10, 0));
        assert!(KubeVersion::new(1, 23, 1) > KubeVersion::new(1, 23, 0));
        assert!(!KubeVersion::new(1, 22, 9).at_least(1, 23));
    }

    #[test]
    fn kube_at_least_compares_versions_as_numbers() {
        let view = |v: &str| {
            let caps = Capabilities::new(v.parse().unwrap(), &[]);
            minijinja::Value::from(minijinja::value::Serde(&caps))
                .get_attr("KubeVersion")
                .unwrap()
        };
        assert!(kube_at_least(&view("1.23"), "1.23").unwrap());
        assert!(kube_at_least(&view("1.100"), "1.23").unwrap());
        assert!(!kube_at_least(&view("1.22.9"), "1.23").unwrap());
        assert!(!kube_at_least(&view("1.9"), "1.10").unwrap());
        assert!(kube_at_least(&minijinja::Value::from("v1.30.2"), "1.30.2").unwrap());
        assert!(!kube_at_least(&minijinja::Value::from("v1.30.1"), "1.30.2").unwrap());
        let err = kube_at_least(&view("1.23"), ">=1.23-0").unwrap_err();
        assert!(
            err.to_string()
                .contains("\">=1.23-0\" is not a Kubernetes version"),
            "{err}"
        );
        assert!(kube_at_least(&minijinja::Value::from(5), "1.23").is_err());
    }
}
