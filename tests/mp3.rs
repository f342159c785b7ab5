//! The hold-music preflight (`src/mp3.rs`, docs/daily-api.md#rule-hold-music-mp3) on files made
//! by real encoders (tests/fixtures/audio/make.sh, durations in its manifest.json), on prefixes
//! of them as a Range request would fetch, and on 120,000 mutations of them (about 10 s in a debug
//! build; `MP3_FUZZ_CASES=n` runs another number).

use daily_dialin::mp3::{
    inspect, inspect_counted, DurationSource, Limits, LooksLike, Mp3Issue, MpegVersion, Report,
    DEFAULT_MAX_BYTES, PROBE_BYTES,
};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Instant;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audio")
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn manifest() -> Vec<Value> {
    let text = std::fs::read_to_string(dir().join("manifest.json")).expect("manifest.json");
    let v: Value = serde_json::from_str(&text).expect("manifest.json is JSON");
    v["fixtures"].as_array().expect("fixtures").clone()
}

fn whole(data: &[u8]) -> Report {
    inspect(data, Some(data.len() as u64), &Limits::default())
}

/// What a caller does: fetch `first` bytes, then as many as the report asks for, until it asks
/// for no more. Returns the last report, the number of fetches and the bytes fetched in the end.
fn fetch_as_asked(data: &[u8], first: u64, limits: &Limits) -> (Report, usize, u64) {
    let total = data.len() as u64;
    let mut have = first.min(total);
    for fetches in 1..=5 {
        let report = inspect(&data[..have as usize], Some(total), limits);
        match report.needs_more_bytes() {
            Some(n) => {
                assert!(
                    n > have && n <= total,
                    "asks for {n} with {have} of {total}"
                );
                have = n;
            }
            None => return (report, fetches, have),
        }
    }
    panic!("still asking for more bytes after 5 fetches");
}

fn codes(report: &Report) -> BTreeSet<&'static str> {
    report.codes().into_iter().collect()
}

fn version(v: MpegVersion) -> &'static str {
    v.as_str()
}

/// docs/daily-api.md#rule-hold-music-mp3
#[test]
fn every_fixture_reads_as_its_encoder_wrote_it() {
    let mut table = String::new();
    for f in manifest() {
        let name = f["file"].as_str().unwrap();
        let data = read(name);
        let report = whole(&data);
        let expected: BTreeSet<&str> = f["issues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert_eq!(codes(&report), expected, "{name}: {report:?}");
        if f["layer"].is_null() {
            assert!(report.facts.is_none(), "{name}: {report:?}");
            table += &format!("{name:28} not audio: {:?}\n", report.issues);
            continue;
        }
        let facts = report.facts.as_ref().unwrap_or_else(|| panic!("{name}"));
        let seconds = f["seconds"].as_f64().unwrap();
        let ours = facts.duration_seconds.unwrap();
        assert!(
            (ours - seconds).abs() < 0.5,
            "{name}: {ours} s, encoder {seconds} s"
        );
        assert!(facts.duration_exact, "{name}: the whole file is given");
        assert_eq!(facts.duration_from, Some(DurationSource::Frames), "{name}");
        assert_eq!(
            facts.sample_rate as u64,
            f["sample_rate"].as_u64().unwrap(),
            "{name}"
        );
        assert_eq!(
            facts.channels as u64,
            f["channels"].as_u64().unwrap(),
            "{name}"
        );
        assert_eq!(
            version(facts.mpeg_version),
            f["mpeg_version"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(facts.layer as u64, f["layer"].as_u64().unwrap(), "{name}");
        assert_eq!(facts.vbr, f["vbr"].as_bool().unwrap(), "{name}");
        assert_eq!(facts.bytes, Some(data.len() as u64), "{name}");
        table += &format!(
            "{name:28} encoder {seconds:7.3} s, ours {ours:7.3} s ({} frames, {} kbps{})\n",
            facts.frames.unwrap(),
            facts.bitrate_kbps,
            if facts.vbr { " avg, VBR" } else { "" }
        );
    }
    eprintln!("{table}");
}

/// A LAME tag gives the encoder delay and padding: the duration is then the samples fed, to the
/// sample, whether counted or read from the Xing header.
#[test]
fn lame_tags_give_the_duration_to_the_sample() {
    for (name, seconds) in [
        ("cbr_44k_stereo_64.mp3", 2.0),
        ("cbr_48k_mono_64_crc.mp3", 2.5),
        ("vbr_44k_stereo.mp3", 4.0),
        ("vbr_16k_mono.mp3", 4.0),
        ("vbr_11k_mono.mp3", 4.0),
    ] {
        let data = read(name);
        let counted = whole(&data).facts.unwrap();
        let report = inspect(&data[..4096], Some(data.len() as u64), &Limits::default());
        assert!(report.issues.is_empty(), "{name}: {report:?}");
        let declared = report.facts.unwrap();
        assert_eq!(declared.duration_from, Some(DurationSource::Xing), "{name}");
        assert!(declared.duration_exact, "{name}");
        for d in [counted.duration_seconds, declared.duration_seconds] {
            assert!((d.unwrap() - seconds).abs() < 1e-9, "{name}: {d:?}");
        }
        assert_eq!(counted.frames, declared.frames, "{name}");
    }
}

/// Fetching the way a caller would (4 KB or a `PROBE_BYTES` probe, then what the report asks
/// for) gives what the whole file gives, within 0.5 s; without Xing/VBRI the duration is an
/// estimate from the bitrate, and a VBR stream without a header asks for the whole file.
#[test]
fn prefixes_give_the_answer_of_the_whole_file() {
    let mut table = String::new();
    for (f, first) in manifest()
        .into_iter()
        .flat_map(|f| [(f.clone(), 4096), (f, PROBE_BYTES)])
    {
        let name = f["file"].as_str().unwrap();
        let data = read(name);
        let (report, fetches, have) = fetch_as_asked(&data, first, &Limits::default());
        let all = whole(&data);
        if f["layer"].is_null() {
            assert_eq!(codes(&report), codes(&all), "{name}");
            continue;
        }
        let facts = report.facts.as_ref().unwrap();
        let seconds = f["seconds"].as_f64().unwrap();
        let ours = facts.duration_seconds.unwrap();
        assert!(
            (ours - seconds).abs() < 0.5,
            "{name}: {ours} s, encoder {seconds} s"
        );
        assert_eq!(codes(&report), codes(&all), "{name}: {report:?}");
        let vbr_without_header = f["vbr"] == true && name.contains("noxing");
        let small = data.len() as u64 <= first;
        if vbr_without_header && !small {
            assert_eq!(
                fetches, 2,
                "{name}: asks for the whole file to count its frames"
            );
        }
        let header = !name.contains("noxing") && facts.frames.is_some() && !small;
        if header {
            assert!(facts.duration_exact, "{name}");
        }
        if !small && !header && !vbr_without_header {
            assert_eq!(facts.duration_from, Some(DurationSource::Bitrate), "{name}");
            assert!(!facts.duration_exact, "{name}");
        }
        table += &format!(
            "{name:28} {have:7} of {:7} bytes, {fetches} fetch(es): {ours:7.3} s from {}\n",
            data.len(),
            facts.duration_from.unwrap().as_str()
        );
    }
    eprintln!("{table}");
}

/// The big-picture file with only its first 4 KB: the ID3v2 tag runs on for 200 KB, so the
/// report asks for the tag and the first frames, and with those bytes it answers.
#[test]
fn a_large_id3_tag_asks_for_more_bytes() {
    let data = read("id3_big_picture.mp3");
    let total = data.len() as u64;
    let report = inspect(&data[..4096], Some(total), &Limits::default());
    assert!(report.facts.is_none(), "{report:?}");
    let at_least = report.needs_more_bytes().expect("asks for more");
    assert_eq!(report.codes(), ["needs_more_bytes"]);
    // The tag's own size, from its header.
    let tag = 10
        + data[6..10]
            .iter()
            .fold(0u64, |n, b| (n << 7) | u64::from(*b));
    assert!(
        tag > 200_000 && at_least > tag,
        "{at_least} for a {tag}-byte tag"
    );
    assert!(at_least <= total);

    let report = inspect(&data[..at_least as usize], Some(total), &Limits::default());
    assert!(report.issues.is_empty(), "{report:?}");
    let facts = report.facts.unwrap();
    assert_eq!(facts.audio_start, tag);
    assert!((facts.duration_seconds.unwrap() - 1.5).abs() < 0.5);

    // Without the total size: the tag and a probe's worth of bytes after it.
    let report = inspect(&data[..4096], None, &Limits::default());
    assert_eq!(report.needs_more_bytes(), Some(tag + PROBE_BYTES));

    // A tag declared larger than the limit: too large, without fetching it.
    let mut huge = b"ID3\x04\0\0\x05\0\0\0".to_vec(); // 5 << 21 = 10,485,760 bytes of tag
    huge.extend([0; 4086]);
    for total in [None, Some(20_000_000)] {
        let report = inspect(&huge, total, &Limits::default());
        assert!(report.needs_more_bytes().is_none(), "{report:?}");
        assert_eq!(report.codes(), ["too_large"], "{report:?}");
    }
}

/// docs/daily-api.md#rule-hold-music-mp3: under 60 s (a parameter) and under 10 MB.
#[test]
fn too_long_and_too_large() {
    let long = read("len_61s_8k_mono_8.mp3");
    let report = whole(&long);
    assert_eq!(report.codes(), ["too_long"]);
    let Mp3Issue::TooLong { seconds, exact, .. } = report.issues[0] else {
        unreachable!()
    };
    assert!(exact && seconds > 61.0 && seconds < 61.5, "{seconds}");
    assert!(
        report.issues[0].message().contains("61."),
        "{}",
        report.issues[0].message()
    );
    assert!(report.has_errors());
    // From a prefix and the size: the bitrate's estimate.
    let report = inspect(&long[..4096], Some(long.len() as u64), &Limits::default());
    assert!(
        matches!(report.issues[..], [Mp3Issue::TooLong { exact: false, .. }]),
        "{report:?}"
    );
    assert!(report.issues[0].message().contains("about"));
    // 59 s passes.
    assert!(whole(&read("len_59s_8k_mono_8.mp3")).issues.is_empty());

    // The limit is a parameter; a Xing header's count is exact.
    let vbr = read("vbr_44k_stereo.mp3");
    let limits = Limits {
        max_seconds: 3.5,
        ..Limits::default()
    };
    let report = inspect(&vbr[..4096], Some(vbr.len() as u64), &limits);
    assert!(
        matches!(report.issues[..], [Mp3Issue::TooLong { exact: true, .. }]),
        "{report:?}"
    );
    let limits = Limits {
        max_seconds: 4.0,
        ..Limits::default()
    };
    assert!(inspect(&vbr, Some(vbr.len() as u64), &limits)
        .issues
        .is_empty());

    // 10 MiB passes, one byte more does not (a size from Content-Length, the audio a prefix).
    let cbr = read("cbr_44k_stereo_64.mp3");
    let head = &cbr[..4096];
    let report = inspect(head, Some(DEFAULT_MAX_BYTES), &Limits::default());
    assert!(!report.codes().contains(&"too_large"), "{report:?}");
    let report = inspect(head, Some(DEFAULT_MAX_BYTES + 1), &Limits::default());
    assert!(report.codes().contains(&"too_large"), "{report:?}");
    assert!(report.has_errors());
    let limits = Limits {
        max_bytes: 10_000,
        ..Limits::default()
    };
    let report = inspect(&cbr, None, &limits);
    assert!(
        matches!(
            report.issues[..],
            [Mp3Issue::TooLarge { exact: false, .. }, ..]
        ),
        "{report:?}"
    );
}

#[test]
fn not_mp3_says_what_it_looks_like() {
    let looks = |data: &[u8]| -> Option<LooksLike> {
        whole(data).issues.iter().find_map(|i| match i {
            Mp3Issue::NotMp3 { looks_like } => Some(*looks_like),
            _ => None,
        })
    };
    assert_eq!(looks(&read("wav_renamed.mp3")), Some(LooksLike::Wav));
    assert_eq!(looks(&read("html_page.mp3")), Some(LooksLike::Html));
    assert_eq!(
        looks(&read("id3_only.mp3")),
        Some(LooksLike::Id3WithoutAudio)
    );
    assert_eq!(
        looks(&read("layer2_48k_stereo.mp3")),
        Some(LooksLike::MpegLayer2)
    );
    assert_eq!(looks(b"OggS\0\x02"), Some(LooksLike::Ogg));
    assert_eq!(looks(b"fLaC\0\0\0\x22"), Some(LooksLike::Flac));
    assert_eq!(looks(b"\0\0\0\x20ftypM4A \0\0\0\0"), Some(LooksLike::Mp4));
    assert_eq!(looks(b"FORM\0\0\0\0AIFF"), Some(LooksLike::Aiff));
    assert_eq!(looks(b"\x1a\x45\xdf\xa3\x01"), Some(LooksLike::Matroska));
    assert_eq!(looks(b"\xef\xbb\xbf \n<HTML><body>"), Some(LooksLike::Html));
    assert_eq!(
        looks(b"<?xml version='1.0'?><Error/>"),
        Some(LooksLike::Xml)
    );
    assert_eq!(
        looks(b"#EXTM3U\nhttps://example.com/a.mp3\n"),
        Some(LooksLike::Playlist)
    );
    assert_eq!(looks(b"\xff\xf1\x50\x80\x02\x1f\xfc"), Some(LooksLike::Aac));
    assert_eq!(looks(b""), Some(LooksLike::Empty));
    assert_eq!(looks(b"just some text"), Some(LooksLike::Unknown));
    // MP2 still has facts: it is MPEG audio, only not Layer III.
    let mp2 = whole(&read("layer2_48k_stereo.mp3"));
    let facts = mp2.facts.unwrap();
    assert_eq!((facts.layer, facts.sample_rate), (2, 48000));
    assert!((facts.duration_seconds.unwrap() - 2.0).abs() < 0.5);
    // An ID3 tag whose declared size runs past the end of the file.
    let mut tag = b"ID3\x04\0\0\x7f\x7f\x7f\x7f".to_vec();
    tag.extend([0; 100]);
    assert_eq!(looks(&tag), Some(LooksLike::Id3WithoutAudio));
    for i in [
        Mp3Issue::NotMp3 {
            looks_like: LooksLike::Wav,
        },
        Mp3Issue::Truncated,
        Mp3Issue::DurationUnknown,
        Mp3Issue::NeedsMoreBytes { at_least: 5 },
    ] {
        assert!(!i.message().is_empty());
    }
}

#[test]
fn a_cut_file_is_truncated() {
    let data = read("truncated.mp3");
    // Whole: the last frame is cut.
    assert_eq!(whole(&data).codes(), ["truncated"]);
    // A prefix and the size: the Info header's byte count is larger than the file.
    let report = inspect(&data[..4096], Some(data.len() as u64), &Limits::default());
    assert_eq!(report.codes(), ["truncated"]);
    // The untruncated file is not, either way; a cut inside a header counts too.
    let full = read("cbr_44k_stereo_64.mp3");
    assert!(whole(&full).issues.is_empty());
    assert!(
        inspect(&full[..4096], Some(full.len() as u64), &Limits::default())
            .issues
            .is_empty()
    );
    let last = whole(&full).facts.unwrap();
    let cut = &full[..full.len() - 209 + 2];
    let report = whole(cut);
    assert_eq!(report.codes(), ["truncated"], "{report:?}");
    assert_eq!(report.facts.unwrap().frames, Some(last.frames.unwrap() - 1));
}

#[test]
fn tags_before_and_after_the_audio_are_skipped() {
    let data = read("tails.mp3");
    let report = whole(&data);
    assert!(report.issues.is_empty(), "{report:?}");
    let facts = report.facts.unwrap();
    // ID3v2.4 with a footer: 10 + size + 10.
    let id3 = 10
        + data[6..10]
            .iter()
            .fold(0u64, |n, b| (n << 7) | u64::from(*b))
        + 10;
    assert_eq!(&data[id3 as usize - 10..id3 as usize][..3], b"3DI");
    assert_eq!(facts.audio_start, id3);
    // APEv2 (header, item, footer: 32 + 24 + 32) and ID3v1 (128) after the audio.
    let tails = 32 + 24 + 32 + 128;
    assert_eq!(facts.audio_bytes, Some(data.len() as u64 - id3 - tails));
    let frames = facts.frames.unwrap();
    assert_eq!(
        facts.audio_bytes.unwrap() % frames,
        0,
        "96-byte frames, no padding"
    );
}

#[test]
fn junk_before_the_audio_is_skipped() {
    let data = read("junk_then_audio.mp3");
    let facts = whole(&data).facts.unwrap();
    assert_eq!(facts.audio_start, 700);
    // Junk alone, longer than the reader looks: not MP3, whole or not.
    let junk: Vec<u8> = (0..100_000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8 & 0x7F)
        .collect();
    assert_eq!(whole(&junk).codes(), ["not_mp3"]);
    let report = inspect(&junk[..70_000], Some(10_000_000), &Limits::default());
    assert_eq!(report.codes(), ["not_mp3"], "{report:?}");
    let report = inspect(&junk[..20_000], Some(10_000_000), &Limits::default());
    assert_eq!(report.codes(), ["needs_more_bytes"], "{report:?}");
}

#[test]
fn a_vbri_header_gives_the_frame_count() {
    let data = read("vbri_44k_stereo.mp3");
    let report = inspect(&data[..4096], Some(data.len() as u64), &Limits::default());
    assert!(report.issues.is_empty(), "{report:?}");
    let facts = report.facts.unwrap();
    assert_eq!(facts.duration_from, Some(DurationSource::Vbri));
    assert!(facts.vbr && facts.duration_exact);
    assert_eq!(facts.frames, whole(&data).facts.unwrap().frames);
}

#[test]
fn without_the_size_only_a_header_gives_the_duration() {
    let cbr = read("cbr_32k_mono_40_noxing.mp3");
    let report = inspect(&cbr[..4096], None, &Limits::default());
    assert_eq!(report.codes(), ["duration_unknown"]);
    assert_eq!(report.facts.unwrap().duration_seconds, None);
    let xing = read("vbr_44k_stereo.mp3");
    let report = inspect(&xing[..4096], None, &Limits::default());
    assert!(report.issues.is_empty(), "{report:?}");
    assert!((report.facts.unwrap().duration_seconds.unwrap() - 4.0).abs() < 1e-9);
}

/// Shapes made to cost the most: sync bits everywhere, a header repeated every 4 bytes (every
/// position starts a chain), headers whose chain breaks at the last check, thousands of empty ID3
/// tags in a row, a 1 MB file of frames. Work stays linear, whole file or not.
#[test]
fn hostile_shapes_take_linear_work() {
    let mib = 1 << 20;
    let mut shapes: Vec<(&str, Vec<u8>)> = vec![
        ("0xFF run", vec![0xFF; mib]),
        (
            "header every 4 bytes",
            [0xFF, 0xFB, 0x94, 0x00].repeat(mib / 4),
        ),
        ("empty ID3 tags", b"ID3\x03\0\0\0\0\0\0".repeat(mib / 10)),
    ];
    // 384-byte frames (MPEG-1 Layer III, 128 kbps, 48 kHz) where every fourth header is broken:
    // each chain fails at its last check.
    let mut broken = Vec::new();
    for i in 0..mib / 384 {
        let mut frame = vec![0u8; 384];
        frame[..4].copy_from_slice(&[0xFF, 0xFB, 0x94, if i % 4 == 3 { 0x02 } else { 0x00 }]);
        broken.extend(frame);
    }
    shapes.push(("chains broken at the 4th frame", broken));
    let mut frames = Vec::new();
    for _ in 0..mib / 384 {
        frames.extend([0xFF, 0xFB, 0x94, 0x00]);
        frames.extend([0u8; 380]);
    }
    shapes.push(("1 MiB of frames", frames));
    for (name, d) in &shapes {
        let len = d.len() as u64;
        for total in [Some(len), None, Some(len * 2)] {
            let started = Instant::now();
            let (report, steps) = inspect_counted(d, total, &Limits::default());
            assert!(
                steps <= 12 * len + 2_048,
                "{name}: {steps} steps for {len} bytes"
            );
            eprintln!(
                "{name:32} total {total:?}: {steps} steps, {:.1?}, {:?}",
                started.elapsed(),
                report.codes()
            );
        }
    }
}

/// A tiny xorshift: the mutations are the same on every run, and a failure names its case.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const CODES: [&str; 6] = [
    "not_mp3",
    "truncated",
    "too_long",
    "too_large",
    "needs_more_bytes",
    "duration_unknown",
];

/// One mutation of `d`, as a broken server, a broken tagger or an attacker would make it.
fn mutate(rng: &mut Rng, d: &mut Vec<u8>) {
    let at = rng.below(d.len() + 1);
    match rng.below(10) {
        // Bit flips.
        0 | 1 => {
            for _ in 0..1 + rng.below(8) {
                if !d.is_empty() {
                    let i = rng.below(d.len());
                    d[i] ^= 1 << rng.below(8);
                }
            }
        }
        // Truncation.
        2 => d.truncate(at),
        // Inserted garbage.
        3 => {
            let n = rng.below(3000);
            let junk: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            d.splice(at..at, junk);
        }
        // A duplicated frame header (or any 4 bytes), somewhere else.
        4 => {
            let from = rng.below(d.len().saturating_sub(4));
            if let Some(h) = d.get(from..from + 4).map(<[u8]>::to_vec) {
                for _ in 0..1 + rng.below(20) {
                    let to = rng.below(d.len().saturating_sub(4));
                    d[to..to + 4].copy_from_slice(&h);
                }
            }
        }
        // A huge (or any) declared ID3v2 size, at the start or anywhere.
        5 => {
            let at = if rng.below(2) == 0 { 0 } else { at };
            let size = [
                0x7F,
                rng.next() as u8 & 0x7F,
                rng.next() as u8 & 0x7F,
                rng.next() as u8,
            ];
            let mut tag = b"ID3".to_vec();
            tag.extend([
                2 + rng.below(3) as u8,
                0,
                if rng.below(2) == 0 { 0x10 } else { 0 },
            ]);
            tag.extend(size);
            d.splice(at..at, tag);
        }
        // A Xing/Info/VBRI/LAME field or an APE footer with extreme values.
        6 => {
            let word = [b"Xing", b"Info", b"VBRI", b"LAME", b"APET"][rng.below(5)];
            let mut bytes = word.to_vec();
            bytes.extend((0..28).map(|_| if rng.below(2) == 0 { 0xFF } else { 0 }));
            let at = at.min(d.len());
            let end = (at + bytes.len()).min(d.len());
            d.splice(at..end, bytes);
        }
        // A run of 0xFF (sync bits everywhere).
        7 => {
            let n = rng.below(2000);
            d.splice(at..at, std::iter::repeat_n(0xFF, n));
        }
        // A block copied from elsewhere (frames repeated, tags doubled).
        8 => {
            let from = rng.below(d.len());
            let n = rng.below(4000).min(d.len() - from);
            let block = d[from..from + n].to_vec();
            d.splice(at..at, block);
        }
        // ID3v1 / APE tails, maybe lying about their size.
        _ => {
            if rng.below(2) == 0 {
                d.extend(b"TAG");
                d.extend(std::iter::repeat_n(0, 125));
            } else {
                d.extend(b"APETAGEX\xd0\x07\0\0");
                d.extend((rng.next() as u32).to_le_bytes());
                d.extend([0, 0, 0, 0, 0, 0, 0, 0x80]);
                d.extend([0; 8]);
            }
        }
    }
}

/// 120,000 mutated fixtures: no panic, every loop bounded (steps at most linear in the bytes
/// given), and the report consistent (known codes, a finite non-negative duration, requests for
/// more bytes that ask for more than was given and no more than the file).
#[test]
fn mutated_files_never_panic_and_work_is_linear() {
    let cases: u64 = std::env::var("MP3_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(120_000);
    let corpus: Vec<Vec<u8>> = manifest()
        .iter()
        .map(|f| read(f["file"].as_str().unwrap()))
        // The big picture is cut to its tag's start and a few frames, so it does not dominate.
        .map(|d| {
            if d.len() > 100_000 {
                d[..12_000].to_vec()
            } else {
                d
            }
        })
        .collect();
    let started = Instant::now();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut max_ratio = 0.0f64;
    let mut seen = BTreeSet::new();
    for case in 0..cases {
        let mut d = corpus[rng.below(corpus.len())].clone();
        // Most cases read a prefix, as the probe does; the others the whole file.
        if rng.below(3) != 0 {
            d.truncate(1 + rng.below(16_384));
        }
        for _ in 0..1 + rng.below(4) {
            mutate(&mut rng, &mut d);
        }
        let len = d.len() as u64;
        let total = match rng.below(5) {
            0 => None,
            1 => Some(len + rng.below(1 << 20) as u64),
            2 => Some(u64::MAX),
            3 => Some(rng.below(len as usize + 1) as u64),
            _ => Some(len),
        };
        let limits = Limits::default();
        let (report, steps) = inspect_counted(&d, total, &limits);
        let bound = 12 * len + 2_048;
        assert!(steps <= bound, "case {case}: {steps} steps for {len} bytes");
        max_ratio = max_ratio.max(steps as f64 / (len as f64 + 1.0));
        for i in &report.issues {
            assert!(CODES.contains(&i.code()), "case {case}");
            seen.insert(i.code());
            let _ = i.message();
        }
        if let Some(n) = report.needs_more_bytes() {
            assert!(n > len, "case {case}: asks for {n} with {len}");
            if let Some(t) = total {
                assert!(n <= t.max(len), "case {case}: asks for {n} of {t}");
            }
            assert_ne!(
                total.map(|t| t.max(len)),
                Some(len),
                "case {case}: whole, asks for more"
            );
        }
        if let Some(f) = &report.facts {
            if let Some(s) = f.duration_seconds {
                assert!(s.is_finite() && s >= 0.0, "case {case}: {s}");
            }
            assert!(f.audio_start < len, "case {case}");
        }
    }
    eprintln!(
        "{cases} mutated files in {:.1?}; at most {max_ratio:.2} steps per byte; codes seen: {seen:?}",
        started.elapsed()
    );
    assert!(
        seen.len() >= 5,
        "the mutations reach most outcomes: {seen:?}"
    );
}
