//! The files the command line reads (`-f`, `--set-file`) and writes (`--output-dir`).

use std::io::{Read as _, Write as _};
use std::path::{Component, Path, PathBuf};

use gitlab_runner_chart::{Manifest, Values};

use super::failure::Failure;

/// A file that cannot be read, or is not text.
#[derive(Debug, thiserror::Error)]
pub(super) enum ReadError {
    #[error("cannot read values from standard input: {0}")]
    Stdin(#[source] std::io::Error),
    /// `what` names the file: `values file`, `--set-file`.
    #[error("cannot read {what} {file}: {error}")]
    File {
        what: &'static str,
        file: String,
        #[source]
        error: std::io::Error,
    },
    /// `must` says what the file must be; `line` and `column` (1-based, in characters) are
    /// where its text stops being UTF-8.
    #[error("{file}:{line}:{column}: the file is not valid UTF-8 ({must})")]
    NotUtf8 {
        file: String,
        line: usize,
        column: usize,
        must: &'static str,
    },
}

/// The name used in messages and the text of a `-f` argument.
pub(super) fn read_values_file(file: &str) -> Result<(String, String), ReadError> {
    read_text_file(file, "values file")
}

/// The name used in messages and the text of `file` (`-` is standard input); `what` names
/// the file in messages (`values file`, `--set-file`).
pub(super) fn read_text_file(
    file: &str,
    what: &'static str,
) -> Result<(String, String), ReadError> {
    // Read at most one byte more than the library accepts: a huge file (or an endless pipe)
    // is refused without being read whole.
    let limit = Values::MAX_FILE_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    let (name, read) = if file == "-" {
        (
            "<stdin>".to_string(),
            std::io::stdin().lock().take(limit).read_to_end(&mut bytes),
        )
    } else {
        let cannot = |error| ReadError::File {
            what,
            file: file.to_string(),
            error,
        };
        let opened = std::fs::File::open(file).map_err(cannot)?;
        // sized from the file's length (`take` hides it from `read_to_end`, which would read
        // a regular file in a dozen growing pieces)
        if let Ok(metadata) = opened.metadata() {
            bytes.reserve(metadata.len().min(limit) as usize + 1);
        }
        (file.to_string(), opened.take(limit).read_to_end(&mut bytes))
    };
    read.map_err(|error| match file {
        "-" => ReadError::Stdin(error),
        _ => ReadError::File {
            what,
            file: file.to_string(),
            error,
        },
    })?;
    let file = name.as_str();
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        let must = match what {
            "values file" => "YAML files must be UTF-8 text",
            _ => "the file must be UTF-8 text",
        };
        ReadError::NotUtf8 {
            file: file.to_string(),
            line,
            column,
            must,
        }
    })?;
    Ok((file.to_string(), text))
}

/// `--output-dir`: each manifest goes to `DIR/<chart>/templates/<file>`, the objects of one
/// template in one file (each `---`-separated, as Helm writes them); a file from an earlier
/// run is replaced. Returns the `wrote PATH` lines Helm prints.
pub(super) fn write_output_dir(dir: &Path, manifests: &[&Manifest]) -> Result<String, Failure> {
    let mut written: Vec<PathBuf> = Vec::new();
    let mut report = String::new();
    for manifest in manifests {
        let relative = Path::new(manifest.source());
        if !relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
        {
            return Err(Failure::Message(format!(
                "--output-dir: refusing to write {:?} outside {}",
                manifest.source(),
                dir.display()
            )));
        }
        let path = dir.join(relative);
        let fail =
            |e: std::io::Error| Failure::Message(format!("cannot write {}: {e}", path.display()));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(fail)?;
        }
        let mut file = if written.contains(&path) {
            std::fs::OpenOptions::new().append(true).open(&path)
        } else {
            written.push(path.clone());
            std::fs::File::create(&path)
        }
        .map_err(fail)?;
        file.write_all(manifest.to_string().as_bytes())
            .map_err(fail)?;
        report.push_str(&format!("wrote {}\n", path.display()));
    }
    Ok(report)
}
