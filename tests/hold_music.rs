//! The plan of the online hold-music check (`src/hold_music.rs`,
//! docs/daily-api.md#rule-hold-music-online), driven by simulated servers: what it asks for, how
//! much it reads, how it follows redirects and what it concludes. The same check over real HTTP,
//! through the packed package, is tests/js/hold-music.test.mjs.

use daily_dialin::hold_music::{
    is_mpeg_type, parse_content_range, parse_uint, Check, Head, Next, Options, Outcome, Request,
    DEFAULT_READ_CAP, MAX_REDIRECTS, MAX_REQUESTS,
};
use daily_dialin::mp3::{DurationSource, DEFAULT_MAX_BYTES, PROBE_BYTES};
use serde_json::Value;
use std::path::PathBuf;

fn read(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audio");
    std::fs::read(p.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn manifest() -> Vec<Value> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audio/manifest.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
    v["fixtures"].as_array().unwrap().clone()
}

/// What a simulated server does with a request: a head and a body, or a failed request.
type Answer = Result<(Head, Vec<u8>), String>;

struct Run {
    outcome: Outcome,
    requests: Vec<Request>,
    /// Body bytes the check took (what an adapter reads, at most each limit).
    taken: u64,
}

/// What the adapter does: send each request, read each body up to the limit, report.
fn drive(url: &str, opts: Options, mut server: impl FnMut(&Request) -> Answer) -> Run {
    let (mut check, mut req) = match Check::start(url, opts) {
        Ok(x) => x,
        Err(outcome) => {
            return Run {
                outcome,
                requests: vec![],
                taken: 0,
            }
        }
    };
    let mut requests = vec![];
    let mut taken = 0u64;
    loop {
        requests.push(req.clone());
        assert!(
            requests.len() as u32 <= MAX_REQUESTS,
            "more than {MAX_REQUESTS} requests: {requests:?}"
        );
        let next = match server(&req) {
            Err(message) => check.on_error(&message),
            Ok((head, body)) => match check.on_response(&head) {
                Next::Read { limit } => {
                    let n = (body.len() as u64).min(limit) as usize;
                    taken += n as u64;
                    check.on_body(&body[..n], n == body.len())
                }
                other => other,
            },
        };
        match next {
            Next::Fetch(r) => req = r,
            Next::Done(outcome) => {
                return Run {
                    outcome,
                    requests,
                    taken,
                }
            }
            Next::Read { .. } => panic!("Read after a body"),
        }
    }
}

fn head(status: u16) -> Head {
    Head {
        status,
        ..Head::default()
    }
}

/// `bytes=a-b` of a request.
fn range_of(req: &Request) -> Option<(u64, u64)> {
    let r = req.range.as_deref()?.strip_prefix("bytes=")?;
    let (a, b) = r.split_once('-')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// A static file server: 206 for a range when `ranges`, else 200 with the whole body.
fn file_server(data: Vec<u8>, ranges: bool, ctype: Option<&str>) -> impl FnMut(&Request) -> Answer {
    let ctype = ctype.map(str::to_string);
    move |req| {
        let total = data.len() as u64;
        let mut h = head(200);
        h.content_type = ctype.clone();
        match range_of(req).filter(|_| ranges) {
            Some((a, _)) if a >= total => {
                h.status = 416;
                h.content_range = Some(format!("bytes */{total}"));
                Ok((h, vec![]))
            }
            Some((a, b)) => {
                let b = b.min(total - 1);
                h.status = 206;
                h.content_range = Some(format!("bytes {a}-{b}/{total}"));
                Ok((h, data[a as usize..=b as usize].to_vec()))
            }
            None => {
                h.content_length = Some(total.to_string());
                Ok((h, data.clone()))
            }
        }
    }
}

fn private() -> Options {
    Options {
        allow_private_urls: true,
        ..Options::default()
    }
}

fn codes(o: &Outcome) -> Vec<&'static str> {
    o.codes()
}

/// Every fixture, from a server with and without Range: the duration within 0.5 s of the
/// encoder's, the manifest's issues and no others; with Range only the bytes needed are read.
#[test]
fn every_fixture_with_and_without_range() {
    for f in manifest() {
        let name = f["file"].as_str().unwrap();
        let data = read(name);
        let expected: Vec<&str> = f["issues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        for ranges in [true, false] {
            let url = format!("https://cdn.example.com/{name}");
            let run = drive(
                &url,
                Options::default(),
                file_server(data.clone(), ranges, Some("audio/mpeg")),
            );
            let o = &run.outcome;
            assert_eq!(codes(o), expected, "{name} ranges={ranges}: {o:?}");
            assert_eq!(
                o.ok(),
                !expected.iter().any(|c| *c != "truncated"),
                "{name}"
            );
            let facts = o.facts.as_ref().unwrap();
            assert_eq!(facts.range_requests, ranges, "{name}");
            assert_eq!(facts.bytes, Some(data.len() as u64), "{name}");
            assert_eq!(facts.bytes_read, run.taken, "{name}");
            if ranges {
                // Only what the inspector needs: the probe, the tag and the first frames (all of
                // id3_big_picture, which is mostly tag), or all of a VBR stream without a header.
                let needs_all = name.contains("noxing")
                    || name == "id3_big_picture.mp3"
                    || data.len() as u64 <= PROBE_BYTES;
                if !needs_all {
                    assert!(run.taken < data.len() as u64, "{name}: read {}", run.taken);
                }
            } else {
                assert_eq!(run.requests.len(), 1, "{name}");
                assert_eq!(run.taken, data.len() as u64, "{name}");
            }
            if let Some(seconds) = f["seconds"].as_f64().filter(|_| !f["layer"].is_null()) {
                let audio = facts.audio.as_ref().unwrap();
                let ours = audio.duration_seconds.unwrap();
                assert!(
                    (ours - seconds).abs() < 0.5,
                    "{name}: {ours} s, not {seconds} s"
                );
                assert_eq!(audio.sample_rate, f["sample_rate"].as_u64().unwrap() as u32);
            }
            if f["layer"].is_null() {
                assert!(facts.looks_like.is_some(), "{name}");
            }
        }
    }
}

#[test]
fn the_first_request_is_the_probe_range() {
    let (_, req) = Check::start("https://a.example.com/x.mp3", Options::default()).unwrap();
    assert_eq!(req.range.as_deref(), Some("bytes=0-16383"));
    assert_eq!(req.url, "https://a.example.com/x.mp3");
    assert!(!req.follow && !req.no_cors);
    // A cap smaller than the probe asks for the cap.
    let small = Options {
        read_cap: 100,
        ..Options::default()
    };
    let (_, req) = Check::start("https://a.example.com/x.mp3", small).unwrap();
    assert_eq!(req.range.as_deref(), Some("bytes=0-99"));
}

/// A large ID3 picture: the probe, then the rest of the tag and the first frames, in 2 requests,
/// and not the rest of the audio.
#[test]
fn a_large_tag_is_fetched_by_ranges() {
    let mut data = read("id3_big_picture.mp3");
    // A longer stream after the tag: the same frames again (6 s of audio in all).
    let audio = data[data.len() - 6000..].to_vec();
    for _ in 0..3 {
        data.extend_from_slice(&audio);
    }
    let run = drive(
        "https://cdn.example.com/a.mp3",
        Options::default(),
        file_server(data.clone(), true, Some("audio/mpeg")),
    );
    assert_eq!(codes(&run.outcome), Vec::<&str>::new());
    assert_eq!(run.requests.len(), 2, "{:?}", run.requests);
    let (a, _) = range_of(&run.requests[1]).unwrap();
    assert_eq!(a, PROBE_BYTES, "the second range continues the first");
    assert!(run.taken < data.len() as u64);
}

/// A file over 10 MB: from its size alone, reading no more than a probe (a Range server, or
/// Content-Length), or exactly the cap when the server says nothing.
#[test]
fn a_large_file_is_refused_without_reading_it() {
    let mut big = read("cbr_44k_stereo_64.mp3");
    big.resize(20 << 20, 0);
    for ranges in [true, false] {
        let run = drive(
            "https://cdn.example.com/big.mp3",
            Options::default(),
            file_server(big.clone(), ranges, Some("audio/mpeg")),
        );
        assert!(
            codes(&run.outcome).contains(&"too_large"),
            "{:?}",
            run.outcome
        );
        assert!(!run.outcome.ok());
        assert!(
            run.taken <= PROBE_BYTES,
            "ranges={ranges}: read {}",
            run.taken
        );
    }
    // No Content-Length, no Range: the body is read up to the cap, one byte over 10 MiB.
    let run = drive(
        "https://cdn.example.com/big.mp3",
        Options::default(),
        |_| Ok((head(200), big.clone())),
    );
    assert_eq!(run.taken, DEFAULT_READ_CAP);
    assert_eq!(DEFAULT_READ_CAP, DEFAULT_MAX_BYTES + 1);
    assert!(
        codes(&run.outcome).contains(&"too_large"),
        "{:?}",
        run.outcome
    );
    // A smaller cap reads less.
    let cap = Options {
        read_cap: 100_000,
        ..Options::default()
    };
    let run = drive("https://cdn.example.com/big.mp3", cap, |_| {
        Ok((head(200), big.clone()))
    });
    assert_eq!(run.taken, 100_000);
    // 10 MiB exactly, whole: passes the size rule.
    let mut edge = read("cbr_44k_stereo_64.mp3");
    edge.resize(DEFAULT_MAX_BYTES as usize, 0);
    let run = drive("https://cdn.example.com/e.mp3", Options::default(), |_| {
        Ok((head(200), edge.clone()))
    });
    assert!(
        !codes(&run.outcome).contains(&"too_large"),
        "{:?}",
        run.outcome
    );
}

/// The bytes read over a whole check never exceed the cap, whatever the server answers.
#[test]
fn the_cap_bounds_every_check() {
    let data = read("vbr_48k_stereo_noxing.mp3");
    for cap in [1, 10, 4096, 16_384, 20_000, 36_311, 36_312, 1 << 20] {
        for ranges in [true, false] {
            let opts = Options {
                read_cap: cap,
                ..Options::default()
            };
            let run = drive(
                "https://cdn.example.com/v.mp3",
                opts,
                file_server(data.clone(), ranges, Some("audio/mpeg")),
            );
            assert!(run.taken <= cap, "cap {cap}: read {}", run.taken);
            let c = codes(&run.outcome);
            if cap < data.len() as u64 {
                // Not the whole stream: no exact duration, and the check says so.
                assert!(
                    c.contains(&"incomplete") || c.contains(&"not_mp3"),
                    "cap {cap} ranges={ranges}: {c:?}"
                );
            } else {
                assert_eq!(c, Vec::<&str>::new(), "cap {cap}");
            }
        }
    }
}

#[test]
fn statuses_other_than_2xx_are_http_status() {
    for status in [
        204u16, 400, 401, 403, 404, 410, 429, 500, 502, 503, 304, 302,
    ] {
        let run = drive("https://cdn.example.com/a.mp3", Options::default(), |_| {
            Ok((head(status), b"<html>nope</html>".to_vec()))
        });
        if status == 204 {
            // No content: an empty file.
            assert_eq!(codes(&run.outcome)[0], "not_mp3", "{:?}", run.outcome);
            continue;
        }
        assert_eq!(codes(&run.outcome), ["http_status"], "{status}");
        assert!(run.outcome.issues[0].message.contains(&status.to_string()));
        assert_eq!(
            run.taken, 0,
            "{status}: a refused answer's body is not read"
        );
        assert!(run.outcome.facts.is_none());
    }
}

#[test]
fn an_html_page_served_with_200() {
    let run = drive(
        "https://cdn.example.com/a.mp3",
        Options::default(),
        file_server(
            read("html_page.mp3"),
            false,
            Some("text/html; charset=utf-8"),
        ),
    );
    assert_eq!(codes(&run.outcome), ["not_mp3", "content_type"]);
    assert!(!run.outcome.issues[1].severity.is_error());
    assert!(run.outcome.issues[1].message.contains("text/html"));
    let facts = run.outcome.facts.unwrap();
    assert_eq!(facts.looks_like, Some("html"));
    assert!(facts.audio.is_none());
}

trait IsError {
    fn is_error(&self) -> bool;
}
impl IsError for daily_dialin::issue::Severity {
    fn is_error(&self) -> bool {
        *self == daily_dialin::issue::Severity::Error
    }
}

#[test]
fn content_types() {
    for t in [
        "audio/mpeg",
        "Audio/MPEG; charset=binary",
        " audio/mp3 ",
        "audio/x-mpeg-3",
    ] {
        assert!(is_mpeg_type(t), "{t}");
    }
    for t in [
        "",
        "text/html",
        "application/octet-stream",
        "audio/wav",
        "audio/mpegurl",
        "audio/mp4",
    ] {
        assert!(!is_mpeg_type(t), "{t}");
    }
    let data = read("cbr_44k_stereo_64.mp3");
    for (t, warned) in [
        (Some("audio/mpeg"), false),
        (Some("application/octet-stream"), true),
        (None, true),
    ] {
        let run = drive(
            "https://cdn.example.com/a.mp3",
            Options::default(),
            file_server(data.clone(), true, t),
        );
        assert_eq!(
            codes(&run.outcome).contains(&"content_type"),
            warned,
            "{t:?}"
        );
        assert!(run.outcome.ok(), "a type is only a warning");
        assert_eq!(
            run.outcome.facts.unwrap().content_type.as_deref(),
            t,
            "{t:?}"
        );
    }
}

/// docs/daily-api.md#rule-url-public on the URL and on every redirect.
#[test]
fn urls_and_redirects_follow_the_host_rules() {
    // The URL itself, exactly as validateCreate judges hold_music_url.
    for (url, code) in [
        ("ftp://x.example.com/a.mp3", "invalid_url"),
        ("https://127.0.0.1/a.mp3", "not_public_url"),
        ("https://10.0.0.8/a.mp3", "not_public_url"),
        ("https://0x7f.1/a.mp3", "not_public_url"),
        ("https://localhost/a.mp3", "not_public_url"),
        ("not a url", "invalid_url"),
    ] {
        let run = drive(url, Options::default(), |_| panic!("{url} is requested"));
        assert_eq!(codes(&run.outcome), [code], "{url}");
        assert_eq!(run.outcome.issues[0].path, "hold_music_url");
    }
    let run = drive("http://127.0.0.1:8080/a.mp3", private(), |_| {
        Err("refused".into())
    });
    assert_eq!(codes(&run.outcome), ["insecure_url", "unreachable"]);

    let data = read("cbr_44k_stereo_64.mp3");
    let serve = |to: &'static str| {
        let mut file = file_server(data.clone(), true, Some("audio/mpeg"));
        move |req: &Request| {
            if req.url == "https://cdn.example.com/a.mp3" {
                let mut h = head(302);
                h.location = Some(to.to_string());
                Ok((h, b"moved".to_vec()))
            } else {
                file(req)
            }
        }
    };
    // To a public host: followed, and the facts name where the file was.
    let run = drive(
        "https://cdn.example.com/a.mp3",
        Options::default(),
        serve("https://files.example.net/b.mp3"),
    );
    assert_eq!(codes(&run.outcome), Vec::<&str>::new());
    assert_eq!(run.requests.len(), 2);
    assert_eq!(run.requests[1].url, "https://files.example.net/b.mp3");
    assert!(!run.requests[1].follow);
    let facts = run.outcome.facts.unwrap();
    assert_eq!(
        (facts.url.as_str(), facts.redirects),
        ("https://files.example.net/b.mp3", 1)
    );
    // To a private host: refused before it is requested.
    for to in [
        "http://127.0.0.1/b.mp3",
        "https://192.168.1.1/b.mp3",
        "https://[::ffff:10.0.0.1]/b.mp3",
        "https://intranet/b.mp3",
    ] {
        let run = drive(
            "https://cdn.example.com/a.mp3",
            Options::default(),
            serve(to),
        );
        assert_eq!(codes(&run.outcome), ["not_public_url"], "{to}");
        assert_eq!(run.requests.len(), 1, "{to} is never requested");
        assert!(
            run.outcome.issues[0].message.contains(to),
            "{:?}",
            run.outcome
        );
    }
    // ... unless private URLs are allowed.
    let run = drive(
        "https://cdn.example.com/a.mp3",
        private(),
        serve("https://192.168.1.1/b.mp3"),
    );
    assert_eq!(codes(&run.outcome), Vec::<&str>::new());
    // Not a URL, another scheme, no Location.
    let run = drive(
        "https://cdn.example.com/a.mp3",
        Options::default(),
        serve("file:///etc/passwd"),
    );
    assert_eq!(codes(&run.outcome), ["invalid_url"]);
    let run = drive("https://cdn.example.com/a.mp3", Options::default(), |_| {
        Ok((head(301), vec![]))
    });
    assert_eq!(codes(&run.outcome), ["http_status"]);
    // https to http: a warning.
    let run = drive(
        "https://cdn.example.com/a.mp3",
        Options::default(),
        serve("http://files.example.net/b.mp3"),
    );
    assert_eq!(codes(&run.outcome), ["insecure_url"]);
    assert!(run.outcome.ok());
}

#[test]
fn redirects_are_bounded() {
    let mut n = 0;
    let run = drive("https://cdn.example.com/0.mp3", Options::default(), |_| {
        n += 1;
        let mut h = head(307);
        h.location = Some(format!("https://cdn.example.com/{n}.mp3"));
        Ok((h, vec![]))
    });
    assert_eq!(codes(&run.outcome), ["too_many_redirects"]);
    assert_eq!(run.requests.len() as u32, MAX_REDIRECTS + 1);
    // A loop too.
    let run = drive("https://cdn.example.com/a.mp3", Options::default(), |_| {
        let mut h = head(302);
        h.location = Some("https://cdn.example.com/a.mp3".into());
        Ok((h, vec![]))
    });
    assert_eq!(codes(&run.outcome), ["too_many_redirects"]);
}

/// A browser: `redirect: "manual"` gives an opaque redirect; the request goes again with
/// `follow`, and the URL it ended at is judged.
#[test]
fn browsers_follow_redirects_and_judge_where_they_end() {
    let data = read("cbr_44k_stereo_64.mp3");
    for (end, code) in [
        ("https://files.example.net/b.mp3", None),
        ("https://10.1.2.3/b.mp3", Some("not_public_url")),
    ] {
        let mut file = file_server(data.clone(), true, Some("audio/mpeg"));
        let run = drive("https://cdn.example.com/a.mp3", Options::default(), |req| {
            if !req.follow {
                let mut h = head(0);
                h.opaque_redirect = true;
                return Ok((h, vec![]));
            }
            let (mut h, body) = file(req)?;
            h.url = Some(end.to_string());
            h.redirected = true;
            Ok((h, body))
        });
        assert_eq!(run.requests.len(), 2);
        assert!(run.requests[1].follow);
        match code {
            None => {
                assert_eq!(codes(&run.outcome), Vec::<&str>::new());
                let facts = run.outcome.facts.unwrap();
                assert_eq!((facts.url.as_str(), facts.redirects), (end, 1));
            }
            Some(c) => {
                assert_eq!(codes(&run.outcome), [c]);
                assert_eq!(run.taken, 0, "the body of a private host is not read");
            }
        }
    }
}

/// Under CORS a failed request is tried without Range, then probed with `no-cors`: an answer
/// there is `unchecked` (a warning), none is `unreachable`. Outside CORS, a failure is final.
#[test]
fn cors_refusals_are_unchecked_not_errors() {
    let cors = Options {
        cors: true,
        ..Options::default()
    };
    let url = "https://cdn.example.com/a.mp3";
    let run = drive(url, cors, |req| {
        if req.no_cors {
            Ok((head(0), vec![]))
        } else {
            Err("Failed to fetch".into())
        }
    });
    assert_eq!(codes(&run.outcome), ["unchecked"]);
    assert!(run.outcome.ok());
    assert!(run.outcome.issues[0].message.contains("may still play"));
    let kinds: Vec<_> = run
        .requests
        .iter()
        .map(|r| (r.range.is_some(), r.no_cors))
        .collect();
    assert_eq!(kinds, [(true, false), (false, false), (false, true)]);

    let run = drive(url, cors, |_| Err("Failed to fetch".into()));
    assert_eq!(codes(&run.outcome), ["unreachable"]);
    assert!(!run.outcome.ok());

    // A server that allows CORS but not the Range preflight: the plain request reads the file.
    let data = read("cbr_44k_stereo_64.mp3");
    let mut file = file_server(data.clone(), false, Some("audio/mpeg"));
    let run = drive(url, cors, |req| {
        if req.range.is_some() {
            Err("Failed to fetch".into())
        } else {
            file(req)
        }
    });
    assert_eq!(codes(&run.outcome), Vec::<&str>::new());

    // Node: one request, unreachable.
    let run = drive(url, Options::default(), |_| {
        Err("connect ECONNREFUSED".into())
    });
    assert_eq!(codes(&run.outcome), ["unreachable"]);
    assert_eq!(run.requests.len(), 1);
    assert!(run.outcome.issues[0].message.contains("ECONNREFUSED"));
    // The path's "not .mp3" warning stays when the file could not be read, and goes when it was.
    let run = drive("https://cdn.example.com/music", Options::default(), |_| {
        Err("x".into())
    });
    assert_eq!(codes(&run.outcome), ["not_mp3", "unreachable"]);
    let run = drive(
        "https://cdn.example.com/music",
        Options::default(),
        file_server(data, true, Some("audio/mpeg")),
    );
    assert_eq!(codes(&run.outcome), Vec::<&str>::new());
}

/// Range answers that cannot be used: the file is read whole instead.
#[test]
fn bad_range_answers_fall_back_to_the_whole_file() {
    let data = read("cbr_44k_stereo_64.mp3");
    let total = data.len();
    type Answer = Box<dyn Fn(&Request) -> Option<Head>>;
    let answers: Vec<(&str, Answer)> = vec![
        (
            "no Content-Range (a browser does not show it)",
            Box::new(|_| Some(head(206))),
        ),
        (
            "an unknown size",
            Box::new(move |_| {
                let mut h = head(206);
                h.content_range = Some("bytes 0-16383/*".into());
                Some(h)
            }),
        ),
        (
            "another range",
            Box::new(move |_| {
                let mut h = head(206);
                h.content_range = Some(format!("bytes 5-16388/{total}"));
                Some(h)
            }),
        ),
        (
            "416 for a file that is not empty",
            Box::new(move |_| {
                let mut h = head(416);
                h.content_range = Some(format!("bytes */{total}"));
                Some(h)
            }),
        ),
    ];
    for (what, answer) in answers {
        let run = drive("https://cdn.example.com/a.mp3", Options::default(), |req| {
            if req.range.is_some() {
                let h = answer(req).unwrap();
                Ok((h, data[..100].to_vec()))
            } else {
                let mut h = head(200);
                h.content_type = Some("audio/mpeg".into());
                Ok((h, data.clone()))
            }
        });
        assert_eq!(codes(&run.outcome), Vec::<&str>::new(), "{what}");
        assert_eq!(run.requests.len(), 2, "{what}");
        assert!(run.requests[1].range.is_none(), "{what}");
        let facts = run.outcome.facts.unwrap();
        assert!(!facts.range_requests, "{what}");
        assert_eq!(facts.bytes, Some(total as u64), "{what}");
    }
    // An empty file: 416 with `*/0`.
    let run = drive(
        "https://cdn.example.com/a.mp3",
        Options::default(),
        file_server(vec![], true, Some("audio/mpeg")),
    );
    assert_eq!(codes(&run.outcome), ["not_mp3"]);
    assert_eq!(run.outcome.facts.unwrap().looks_like, Some("empty"));
}

#[test]
fn content_range_and_lengths_are_read_strictly() {
    assert_eq!(
        parse_content_range("bytes 0-99/1000"),
        Some((0, 99, Some(1000)))
    );
    assert_eq!(parse_content_range("BYTES 5-5/6"), Some((5, 5, Some(6))));
    assert_eq!(parse_content_range("bytes 0-99/*"), Some((0, 99, None)));
    for bad in [
        "",
        "bytes",
        "bytes 0-99",
        "bytes 99-0/1000",
        "bytes 0-1000/1000",
        "bytes -1-5/10",
        "bytes 0-99/99999999999999999999999",
        "items 0-99/1000",
        "bytes 0x0-99/1000",
        "bytes */1000",
    ] {
        assert_eq!(parse_content_range(bad), None, "{bad}");
    }
    assert_eq!(parse_uint(" 42 "), Some(42));
    for bad in ["", "-1", "1e3", "4 2", "18446744073709551616", "+3"] {
        assert_eq!(parse_uint(bad), None, "{bad}");
    }
}

/// The duration source through ranges: a Xing header's count (exact) for a LAME file, the whole
/// stream for VBR without a header, an estimate for CBR without a header.
#[test]
fn durations_come_from_the_best_source_the_bytes_allow() {
    for (name, from) in [
        ("vbr_44k_stereo.mp3", DurationSource::Xing),
        ("vbr_48k_stereo_noxing.mp3", DurationSource::Frames),
        // LAME wrote no Info header into this 8 kbps file: the bitrate's estimate.
        ("len_59s_8k_mono_8.mp3", DurationSource::Bitrate),
        ("cbr_32k_mono_40_noxing.mp3", DurationSource::Frames),
    ] {
        let run = drive(
            "https://cdn.example.com/a.mp3",
            Options::default(),
            file_server(read(name), true, Some("audio/mpeg")),
        );
        let audio = run.outcome.facts.unwrap().audio.unwrap();
        assert_eq!(audio.duration_from, Some(from), "{name}");
    }
}

/// A tiny xorshift, so that every run draws the same servers.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Servers answering at random (statuses, ranges, sizes, redirects, types, errors): every check
/// ends within the request limit and the cap, without a panic.
#[test]
fn hostile_servers_never_break_the_plan() {
    let data = read("vbr_44k_stereo.mp3");
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    for case in 0..4_000 {
        let cap = [DEFAULT_READ_CAP, 1, 1000, 20_000][rng.below(4) as usize];
        let opts = Options {
            read_cap: cap,
            cors: rng.below(2) == 0,
            allow_private_urls: rng.below(2) == 0,
            ..Options::default()
        };
        let mut seed = Rng(rng.next() | 1);
        let run = drive("https://cdn.example.com/a.mp3", opts, |req| {
            let r = &mut seed;
            if r.below(10) == 0 {
                return Err("boom".into());
            }
            let status = [200, 206, 206, 301, 302, 404, 416, 500, 0][r.below(9) as usize];
            let mut h = head(status);
            h.opaque_redirect = r.below(20) == 0;
            h.redirected = r.below(2) == 0;
            let total = [0, 1, 100, data.len() as u64, 50 << 20, u64::MAX][r.below(6) as usize];
            let (a, b) = range_of(req).unwrap_or((0, total.saturating_sub(1)));
            let (a, b) = match r.below(4) {
                0 => (r.below(total.max(1)), r.below(total.max(1))),
                _ => (a, b),
            };
            h.content_range = match r.below(5) {
                0 => None,
                1 => Some(format!("bytes {a}-{b}/*")),
                2 => Some(format!("bytes */{total}")),
                3 => Some("garbage".into()),
                _ => Some(format!("bytes {a}-{b}/{total}")),
            };
            h.content_length =
                [None, Some(total.to_string()), Some("-5".into())][r.below(3) as usize].clone();
            h.location = match r.below(4) {
                0 => None,
                1 => Some("https://10.0.0.1/x".into()),
                2 => Some("https://cdn.example.com/b.mp3".into()),
                _ => Some("::".into()),
            };
            h.url = [
                None,
                Some("https://cdn.example.com/c.mp3".into()),
                Some("https://127.0.0.1/".into()),
            ][r.below(3) as usize]
                .clone();
            h.content_type = [None, Some("audio/mpeg".to_string()), Some("\u{0}".into())]
                [r.below(3) as usize]
                .clone();
            let len = r.below(3 * PROBE_BYTES) as usize;
            let start = r.below(data.len() as u64) as usize;
            let body: Vec<u8> = data.iter().cycle().skip(start).take(len).copied().collect();
            Ok((h, body))
        });
        assert!(run.taken <= cap, "case {case}: {} > {cap}", run.taken);
        assert!(run.requests.len() as u32 <= MAX_REQUESTS, "case {case}");
        assert!(
            !run.outcome.issues.is_empty() || run.outcome.facts.is_some(),
            "case {case}"
        );
    }
}
