//! Test audio for the hold-music check (`GET /_emulator/audio/<name>.mp3`), so that a demo's
//! `hold_music_url` plays and `checkHoldMusic` works offline
//! (docs/daily-api.md#rule-hold-music-online).
//!
//! The route needs no credentials: Daily and `checkHoldMusic` fetch a hold-music file without
//! any, and the files are the package's own test fixtures, nothing of the user's. It still passes
//! the `Host` and `Origin` checks of every route (`access.rs`), and answers CORS to the origins
//! `/v1` answers. The core decides the answer (the name, the method, the `Range`); the Node shell
//! owns the files: it serves the bytes this module's [`range`] names, or a 404 when the package
//! has no such file.

use super::http::{err, Reply};

/// The route's prefix.
pub const ROUTE: &str = "/_emulator/audio/";

/// The header by which the core tells the shell which file to serve; the shell removes it.
pub const FILE_HEADER: &str = "X-Emulator-Audio-File";

/// The longest file name accepted.
const MAX_NAME: usize = 64;

/// A file name the route serves: `[a-z0-9_-]+.mp3`, so no path can be named.
pub fn file_name(name: &str) -> Option<&str> {
    let stem = name.strip_suffix(".mp3")?;
    let ok = !stem.is_empty()
        && name.len() <= MAX_NAME
        && stem
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    ok.then_some(name)
}

/// The answer to `method` on `ROUTE` + `name`, before the shell reads the file.
pub(crate) fn route(method: &str, name: &str) -> Reply {
    match (method, file_name(name)) {
        ("GET" | "HEAD", Some(file)) => Reply::json(200, String::new())
            .with_header("Content-Type", "audio/mpeg")
            .with_header(FILE_HEADER, file),
        ("GET" | "HEAD", None) => Reply::error(
            404,
            err::NOT_FOUND,
            Some("no such audio file: names are like hold.mp3 (see GET /_emulator/audio/hold.mp3)"),
        ),
        _ => Reply::error(
            405,
            err::INVALID_REQUEST,
            Some(&format!(
                "{method} is not allowed on {ROUTE}{name}; use GET, HEAD"
            )),
        )
        .with_header("Allow", "GET, HEAD"),
    }
}

/// What to send of a file of `size` bytes for a `Range` header.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RangeReply {
    pub status: u16,
    /// The bytes `start..end` of the file.
    pub start: u64,
    pub end: u64,
    pub headers: Vec<(String, String)>,
}

/// A single `bytes=a-b`, `bytes=a-` or `bytes=-n` range, in bytes `start..end` of a file of
/// `size` bytes: `None` for a header the server should ignore (RFC 9110: a malformed header,
/// several ranges), `Some(None)` for a range that cannot be satisfied.
fn parse_range(header: &str, size: u64) -> Option<Option<(u64, u64)>> {
    let spec = header.trim().strip_prefix("bytes=")?.trim();
    if spec.contains(',') {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let num = |s: &str| -> Option<u64> {
        let s = s.trim();
        (!s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match (a.trim().is_empty(), b.trim().is_empty()) {
        // The last n bytes.
        (true, false) => {
            let n = num(b)?;
            Some((n > 0 && size > 0).then(|| (size - n.min(size), size)))
        }
        (false, _) => {
            let start = num(a)?;
            let last = if b.trim().is_empty() {
                u64::MAX
            } else {
                num(b)?
            };
            if last < start {
                return None;
            }
            Some((start < size).then(|| (start, last.saturating_add(1).min(size))))
        }
        (true, true) => None,
    }
}

/// The status, bytes and headers for a file of `size` bytes and the request's `Range` header:
/// 206 with `Content-Range` for one satisfiable range, 416 with `bytes */size` for one that is
/// not, 200 with the whole file otherwise.
pub fn range(header: Option<&str>, size: u64) -> RangeReply {
    let accept = ("Accept-Ranges".to_string(), "bytes".to_string());
    match header.and_then(|h| parse_range(h, size)) {
        None => RangeReply {
            status: 200,
            start: 0,
            end: size,
            headers: vec![accept, ("Content-Length".into(), size.to_string())],
        },
        Some(Some((start, end))) => RangeReply {
            status: 206,
            start,
            end,
            headers: vec![
                accept,
                ("Content-Length".into(), (end - start).to_string()),
                (
                    "Content-Range".into(),
                    format!("bytes {start}-{}/{size}", end - 1),
                ),
            ],
        },
        Some(None) => RangeReply {
            status: 416,
            start: 0,
            end: 0,
            headers: vec![
                accept,
                ("Content-Length".into(), "0".into()),
                ("Content-Range".into(), format!("bytes */{size}")),
            ],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_plain_mp3_files() {
        for ok in ["hold.mp3", "too-long.mp3", "a_1.mp3"] {
            assert_eq!(file_name(ok), Some(ok));
        }
        for bad in [
            "",
            ".mp3",
            "hold.wav",
            "../x.mp3",
            "a/b.mp3",
            "Hold.mp3",
            "a%2fb.mp3",
            "a b.mp3",
            "hold.mp3.mp3x",
            &format!("{}.mp3", "a".repeat(61)),
        ] {
            assert_eq!(file_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn ranges() {
        let r = |h: &str| {
            let r = range(Some(h), 1000);
            (r.status, r.start, r.end)
        };
        assert_eq!(r("bytes=0-99"), (206, 0, 100));
        assert_eq!(r("bytes=900-"), (206, 900, 1000));
        assert_eq!(r("bytes=0-5000"), (206, 0, 1000));
        assert_eq!(r("bytes=-10"), (206, 990, 1000));
        assert_eq!(r("bytes=-5000"), (206, 0, 1000));
        assert_eq!(r("bytes=999-999"), (206, 999, 1000));
        assert_eq!(r("bytes=1000-"), (416, 0, 0));
        assert_eq!(r("bytes=-0"), (416, 0, 0));
        for ignored in [
            "bytes=5-1",
            "bytes=0-1,5-6",
            "items=0-1",
            "bytes=a-b",
            "bytes=-",
            "bytes=+1-2",
            "bytes=99999999999999999999999-",
        ] {
            assert_eq!(r(ignored), (200, 0, 1000), "{ignored}");
        }
        let full = range(None, 10);
        assert_eq!((full.status, full.end), (200, 10));
        let part = range(Some("bytes=2-3"), 10);
        assert!(part
            .headers
            .contains(&("Content-Range".into(), "bytes 2-3/10".into())));
        assert!(part
            .headers
            .contains(&("Content-Length".into(), "2".into())));
        let none = range(Some("bytes=0-0"), 0);
        assert_eq!(none.status, 416);
        assert!(none
            .headers
            .contains(&("Content-Range".into(), "bytes */0".into())));
    }
}
