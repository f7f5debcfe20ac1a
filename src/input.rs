//! Reading input files with a size limit: a scenario or a data file is
//! read whole, so an enormous or endless one (`/dev/zero`, a log file
//! given by mistake) would take all the memory there is. At most the
//! limit and one byte more are ever read; a larger file is bad input
//! naming the file, its size and the limit.

use crate::error::InputError;
use crate::report::format::format_number;
use std::io::Read;
use std::path::Path;

/// How large one kind of input file may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeLimit {
    /// Most bytes allowed.
    pub bytes: u64,
    /// The kind of file, in messages: "scenario files".
    pub what: &'static str,
}

/// Scenario files: 1 MiB, a thousand times the largest hand-written
/// scenario (a fully commented template is about 10 KiB).
pub const SCENARIO_FILE: SizeLimit = SizeLimit {
    bytes: 1 << 20,
    what: "scenario files",
};

/// Portfolio files: the same 1 MiB as scenario files, far beyond sixteen
/// hustles with every override written out.
pub const PORTFOLIO_FILE: SizeLimit = SizeLimit {
    bytes: 1 << 20,
    what: "portfolio files",
};

/// Data files of `fit-churn`: 64 MiB, about two million customers of a
/// customer list (a survival table is far smaller).
pub const DATA_FILE: SizeLimit = SizeLimit {
    bytes: 64 << 20,
    what: "data files",
};

/// A number of bytes for reading: `512 bytes`, `1 KiB`, `5.3 MiB`, `2 GiB`.
pub fn format_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut v = bytes as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    let rounded = (v * 10.0).round() / 10.0;
    if rounded == rounded.trunc() {
        format!("{} {}", rounded, UNITS[unit])
    } else {
        format!("{rounded:.1} {}", UNITS[unit])
    }
}

/// A size with its exact number of bytes: `5.2 MiB (5,452,595 bytes)`,
/// or `11 bytes` where that says it all.
fn size_and_bytes(n: u64) -> String {
    if n < 1024 {
        format_size(n)
    } else {
        format!("{} ({} bytes)", format_size(n), format_number(n as f64, 0))
    }
}

/// The error for a file over `limit`: `size` is its length where known,
/// `None` for a stream that went on past the limit (a device, a pipe).
fn too_large(path: &Path, size: Option<u64>, limit: SizeLimit) -> InputError {
    let source = path.display().to_string();
    let is = match size {
        Some(n) => format!("is {}", size_and_bytes(n)),
        None => format!(
            "is larger than {} (reading stopped after {} bytes)",
            format_size(limit.bytes),
            format_number((limit.bytes + 1) as f64, 0)
        ),
    };
    let allowed = format!("at most {}", size_and_bytes(limit.bytes));
    InputError::new(format!("{source}: {is}; {} may be {allowed}", limit.what))
        .with_source(source)
        .with_value(size.map_or_else(|| format!("more than {}", limit.bytes), |n| n.to_string()))
        .with_allowed(allowed)
}

/// The text of the file at `path` ([`read_limited`]); text that is not
/// UTF-8 is `io_error`'s `InvalidData` error.
pub fn read_text_limited(
    path: &Path,
    limit: SizeLimit,
    io_error: impl Fn(std::io::Error) -> InputError,
) -> Result<String, InputError> {
    let bytes = read_limited(path, limit, &io_error)?;
    String::from_utf8(bytes).map_err(|_| {
        io_error(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        ))
    })
}

/// The bytes of the file at `path`, at most `limit.bytes` of them: a file
/// known to be larger is refused before any is read, and any other input
/// (a device, a pipe) once it runs past the limit. An error opening or
/// reading the file is `io_error`'s.
pub fn read_limited(
    path: &Path,
    limit: SizeLimit,
    io_error: impl Fn(std::io::Error) -> InputError,
) -> Result<Vec<u8>, InputError> {
    let file = std::fs::File::open(path).map_err(&io_error)?;
    let known = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    if let Some(len) = known
        && len > limit.bytes
    {
        return Err(too_large(path, Some(len), limit));
    }
    let mut bytes = Vec::with_capacity(known.unwrap_or(0) as usize);
    file.take(limit.bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(&io_error)?;
    if bytes.len() as u64 > limit.bytes {
        // A file that grew while it was read is over the limit too.
        return Err(too_large(path, known.filter(|&n| n > limit.bytes), limit));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(format_size(0), "0 bytes");
        assert_eq!(format_size(1023), "1023 bytes");
        assert_eq!(format_size(1024), "1 KiB");
        assert_eq!(format_size(1 << 20), "1 MiB");
        assert_eq!(format_size((1 << 20) + 1), "1 MiB");
        assert_eq!(format_size(5_452_595), "5.2 MiB");
        assert_eq!(format_size(64 << 20), "64 MiB");
        assert_eq!(format_size(3 << 30), "3 GiB");
    }

    const SMALL: SizeLimit = SizeLimit {
        bytes: 10,
        what: "test files",
    };

    fn io(e: std::io::Error) -> InputError {
        InputError::new(format!("cannot read: {e}"))
    }

    #[test]
    fn a_file_up_to_the_limit_is_read_and_one_byte_more_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let ok = tmp.path().join("ok");
        std::fs::write(&ok, b"0123456789").unwrap();
        assert_eq!(read_limited(&ok, SMALL, io).unwrap(), b"0123456789");
        let big = tmp.path().join("big");
        std::fs::write(&big, b"0123456789A").unwrap();
        let e = read_limited(&big, SMALL, io).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{}: is 11 bytes; test files may be at most 10 bytes",
                big.display()
            )
        );
        assert_eq!(e.value(), Some("11"));
        assert_eq!(e.allowed(), Some("at most 10 bytes"));
        let e = read_limited(&tmp.path().join("gone"), SMALL, io).unwrap_err();
        assert!(e.to_string().starts_with("cannot read: "), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn an_endless_stream_is_cut_at_the_limit() {
        let e = read_limited(Path::new("/dev/zero"), SMALL, io).unwrap_err();
        assert_eq!(
            e.to_string(),
            "/dev/zero: is larger than 10 bytes (reading stopped after 11 bytes); \
             test files may be at most 10 bytes"
        );
    }
}
