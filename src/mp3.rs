//! Hold-music preflight: will the file at `hold_music_url` play as Daily wants it, a public MP3
//! under 10 MB and under 60 seconds (docs/daily-api.md#rule-hold-music-mp3)?
//!
//! [`inspect`] reads the first bytes of the file (or all of it) with the file's total size when
//! known (`Content-Length`, or the total of a `Content-Range`), and returns facts about the MPEG
//! audio stream and [`Mp3Issue`]s with stable codes. No I/O: when the bytes given are not enough
//! (a large ID3v2 tag, with a cover picture, before the audio), the report says how many bytes to
//! fetch ([`Report::needs_more_bytes`]) and the caller calls again with more.
//!
//! Hostile input is expected (the URL is anyone's): every loop moves forward through the bytes,
//! so the work is linear in the bytes given; nothing indexes or slices without a check.
//!
//! The stream is read as decoders read it: ID3v2 tags at the start are skipped (their size says
//! how far), ID3v1 and APEv2 tags at the end too when the end is given; the audio starts where
//! [`SYNC_FRAMES`] valid frame headers follow each other (a lone `0xFF 0xFx` in a picture or in
//! junk is not a frame). The duration comes from, in this order: the frames themselves when the
//! whole file is given; the frame count of a Xing/Info (LAME) or VBRI header in the first frame;
//! the audio bytes and the bitrate (constant bitrate: an estimate, `duration_exact` false).

#[allow(unused_imports)]
use crate::prelude::*;

use crate::text::cat;

/// Daily's limit on the duration: "less than 60 seconds in duration" (REF, see
/// docs/daily-api.md#rule-hold-music-mp3). A file is `too_long` above it; exactly 60 s passes.
pub const DEFAULT_MAX_SECONDS: f64 = 60.0;

/// Daily's limit on the size: "less than 10MB in size" (REF). Daily does not say which megabyte;
/// read as 10 MiB (10,485,760 bytes), the larger, so that a file is refused only when it is over
/// both readings. Pass [`Limits`] to choose 10,000,000.
pub const DEFAULT_MAX_BYTES: u64 = 10 * 1024 * 1024;

/// How many bytes to fetch first (e.g. `Range: bytes=0-16383`): enough for a small ID3v2 tag and
/// the first frames. A larger tag makes [`inspect`] ask for more.
pub const PROBE_BYTES: u64 = 16 * 1024;

/// Frame headers in a row that make a sync: a chance `0xFF 0xFx` in a picture or in junk is
/// rarely followed by three more valid headers exactly one frame apart. A stream that ends before
/// (a file of one to three frames) is accepted when its frames end exactly at the end of the file.
pub const SYNC_FRAMES: u32 = 4;

/// How far past the ID3v2 tags the first frame is looked for before the file is judged not MP3.
const MAX_LEADING_JUNK: u64 = 64 * 1024;

/// The longest frame: MPEG-2.5 Layer II at 160 kbps and 8 kHz, padded (Layer III tops out at
/// 1,441 bytes).
const MAX_FRAME: u64 = 2881;

/// The limits of [`inspect`]; [`Limits::default`] are Daily's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// `too_long` above this many seconds.
    pub max_seconds: f64,
    /// `too_large` above this many bytes.
    pub max_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_seconds: DEFAULT_MAX_SECONDS,
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

/// The MPEG audio version of a frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MpegVersion {
    /// MPEG-1: 32, 44.1 and 48 kHz.
    V1,
    /// MPEG-2 (low sampling frequencies): 16, 22.05 and 24 kHz.
    V2,
    /// MPEG-2.5 (an unofficial extension every decoder reads): 8, 11.025 and 12 kHz.
    V25,
}

impl MpegVersion {
    /// "1", "2" or "2.5".
    pub fn as_str(self) -> &'static str {
        match self {
            MpegVersion::V1 => "1",
            MpegVersion::V2 => "2",
            MpegVersion::V25 => "2.5",
        }
    }
}

/// Where [`Facts::duration_seconds`] comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationSource {
    /// Every frame of the whole file was counted (less the encoder delay and padding that a LAME
    /// tag declares, when its frame count agrees).
    Frames,
    /// The frame count of the Xing/Info header (less a LAME tag's delay and padding).
    Xing,
    /// The frame count of a VBRI header.
    Vbri,
    /// The audio bytes divided by the bitrate: an estimate.
    Bitrate,
}

impl DurationSource {
    pub fn as_str(self) -> &'static str {
        match self {
            DurationSource::Frames => "frames",
            DurationSource::Xing => "xing",
            DurationSource::Vbri => "vbri",
            DurationSource::Bitrate => "bitrate",
        }
    }
}

/// What the audio stream is, as far as the bytes given tell.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// Seconds of audio; `None` when neither the size nor a Xing/VBRI header is known.
    pub duration_seconds: Option<f64>,
    /// True when the duration counts frames (a header's count, or all of them), false for an
    /// estimate from the bitrate.
    pub duration_exact: bool,
    pub duration_from: Option<DurationSource>,
    /// The file's size, when known.
    pub bytes: Option<u64>,
    /// Where the first frame starts (after ID3v2 tags and any junk).
    pub audio_start: u64,
    /// The MPEG stream's bytes, from the first frame to the end of the audio (tags at the end
    /// excluded when the end was given); `None` when the size is not known.
    pub audio_bytes: Option<u64>,
    /// The constant bitrate, or the average of a VBR stream (over the whole stream when its
    /// duration and bytes are known, else over the frames given).
    pub bitrate_kbps: u32,
    /// Frames of different bitrates, or a Xing (not Info) or VBRI header.
    pub vbr: bool,
    pub sample_rate: u32,
    /// 1 (mono) or 2 (stereo, joint stereo, dual channel).
    pub channels: u8,
    pub mpeg_version: MpegVersion,
    /// 1, 2 or 3; only 3 is MP3.
    pub layer: u8,
    /// Audio frames (a Xing/VBRI header frame excluded), when counted or declared.
    pub frames: Option<u64>,
}

/// What a file that is not MP3 looks like instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LooksLike {
    /// Nothing recognisable.
    Unknown,
    /// No bytes at all.
    Empty,
    /// RIFF/WAVE.
    Wav,
    /// An HTML page (a login, error or landing page served at the URL).
    Html,
    Xml,
    /// An M3U playlist (`#EXTM3U`), which names audio rather than being it.
    Playlist,
    Ogg,
    Flac,
    /// The ISO base media format (`ftyp`): MP4, M4A, AAC in MP4.
    Mp4,
    Aiff,
    /// Matroska or WebM.
    Matroska,
    /// AAC in ADTS frames.
    Aac,
    /// An ID3v2 tag and no MPEG audio after it.
    Id3WithoutAudio,
    /// MPEG audio Layer I (MP1).
    MpegLayer1,
    /// MPEG audio Layer II (MP2).
    MpegLayer2,
}

impl LooksLike {
    /// A stable name: "unknown", "empty", "wav", "html", ...
    pub fn as_str(self) -> &'static str {
        match self {
            LooksLike::Unknown => "unknown",
            LooksLike::Empty => "empty",
            LooksLike::Wav => "wav",
            LooksLike::Html => "html",
            LooksLike::Xml => "xml",
            LooksLike::Playlist => "playlist",
            LooksLike::Ogg => "ogg",
            LooksLike::Flac => "flac",
            LooksLike::Mp4 => "mp4",
            LooksLike::Aiff => "aiff",
            LooksLike::Matroska => "matroska",
            LooksLike::Aac => "aac",
            LooksLike::Id3WithoutAudio => "id3_without_audio",
            LooksLike::MpegLayer1 => "mp1",
            LooksLike::MpegLayer2 => "mp2",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            LooksLike::Unknown => "no MPEG audio frames were found",
            LooksLike::Empty => "the file is empty",
            LooksLike::Wav => "it is a WAV (RIFF) file",
            LooksLike::Html => "it is an HTML page",
            LooksLike::Xml => "it is an XML document",
            LooksLike::Playlist => "it is an M3U playlist, not the audio it lists",
            LooksLike::Ogg => "it is an Ogg file",
            LooksLike::Flac => "it is a FLAC file",
            LooksLike::Mp4 => "it is an MP4/M4A file",
            LooksLike::Aiff => "it is an AIFF file",
            LooksLike::Matroska => "it is a Matroska/WebM file",
            LooksLike::Aac => "it is AAC audio (ADTS)",
            LooksLike::Id3WithoutAudio => "it holds an ID3 tag and no MPEG audio after it",
            LooksLike::MpegLayer1 => "it is MPEG audio Layer I (MP1), not Layer III",
            LooksLike::MpegLayer2 => "it is MPEG audio Layer II (MP2), not Layer III",
        }
    }
}

/// A problem with the file, or a request for more bytes. Codes are stable ([`Mp3Issue::code`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Mp3Issue {
    /// `not_mp3`: not MPEG Layer III audio (error).
    NotMp3 { looks_like: LooksLike },
    /// `truncated`: the stream stops inside a frame, or before the end its Xing header declares
    /// (warning: decoders drop the cut frame, but the file was probably cut short).
    Truncated,
    /// `too_long`: longer than the limit (error). `exact` is false for an estimate.
    TooLong {
        seconds: f64,
        max_seconds: f64,
        exact: bool,
    },
    /// `too_large`: more bytes than the limit (error). `exact` is false when the size is not
    /// known and `bytes` are the bytes given.
    TooLarge {
        bytes: u64,
        max_bytes: u64,
        exact: bool,
    },
    /// `needs_more_bytes`: call again with at least the first `at_least` bytes of the file (or all
    /// of it, if shorter) for an answer, or for an exact duration instead of an estimate.
    NeedsMoreBytes { at_least: u64 },
    /// `duration_unknown`: neither the file's size nor a Xing/VBRI header is known (warning).
    DurationUnknown,
}

impl Mp3Issue {
    /// The stable code: `not_mp3`, `truncated`, `too_long`, `too_large`, `needs_more_bytes`,
    /// `duration_unknown`.
    pub fn code(&self) -> &'static str {
        match self {
            Mp3Issue::NotMp3 { .. } => "not_mp3",
            Mp3Issue::Truncated => "truncated",
            Mp3Issue::TooLong { .. } => "too_long",
            Mp3Issue::TooLarge { .. } => "too_large",
            Mp3Issue::NeedsMoreBytes { .. } => "needs_more_bytes",
            Mp3Issue::DurationUnknown => "duration_unknown",
        }
    }

    /// True for problems that stop Daily playing the file as documented.
    pub fn is_error(&self) -> bool {
        matches!(
            self,
            Mp3Issue::NotMp3 { .. } | Mp3Issue::TooLong { .. } | Mp3Issue::TooLarge { .. }
        )
    }

    /// A sentence for people.
    pub fn message(&self) -> String {
        match self {
            Mp3Issue::NotMp3 { looks_like } => cat!(
                "hold music must be an MP3 file: ",
                looks_like.describe()
            ),
            Mp3Issue::Truncated => {
                "the MP3 stream ends in the middle of a frame: the file looks cut short".to_string()
            }
            Mp3Issue::TooLong {
                seconds,
                max_seconds,
                exact,
            } => cat!(
                "hold music must be shorter than ",
                seconds_text(*max_seconds),
                "; this file lasts ",
                if *exact { "" } else { "about " },
                seconds_text(*seconds)
            ),
            Mp3Issue::TooLarge {
                bytes,
                max_bytes,
                exact,
            } => cat!(
                "hold music must be smaller than ",
                *max_bytes,
                " bytes; this file has ",
                if *exact { "" } else { "at least " },
                *bytes
            ),
            Mp3Issue::NeedsMoreBytes { at_least } => cat!(
                "read at least the first ",
                *at_least,
                " bytes of the file to check it"
            ),
            Mp3Issue::DurationUnknown => {
                "the duration is unknown: give the file's size (Content-Length) or all of it"
                    .to_string()
            }
        }
    }
}

/// `s` with one decimal and a unit: "61.2 s". (No `format!` in the core: src/lib.rs.)
fn seconds_text(s: f64) -> String {
    // `as` saturates: NaN and negatives read as 0, which never reaches here from `inspect`.
    let tenths = (s * 10.0 + 0.5) as u64;
    cat!(tenths / 10, ".", tenths % 10, " s")
}

/// What [`inspect`] found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    /// `None` when no MPEG audio was found (yet).
    pub facts: Option<Facts>,
    pub issues: Vec<Mp3Issue>,
}

impl Report {
    /// The bytes to fetch before calling again, if the answer is incomplete.
    pub fn needs_more_bytes(&self) -> Option<u64> {
        self.issues.iter().find_map(|i| match i {
            Mp3Issue::NeedsMoreBytes { at_least } => Some(*at_least),
            _ => None,
        })
    }

    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(Mp3Issue::is_error)
    }

    /// The issue codes, in order.
    pub fn codes(&self) -> Vec<&'static str> {
        self.issues.iter().map(Mp3Issue::code).collect()
    }
}

/// Inspects `data`, the first bytes of a file (or all of it), whose total size is `total_size`
/// when known. `data` is the whole file when `total_size == Some(data.len())`; only then are the
/// tags at the end skipped, every frame counted and a cut last frame seen. A `total_size` below
/// `data.len()` is read as `data.len()`.
pub fn inspect(data: &[u8], total_size: Option<u64>, limits: &Limits) -> Report {
    inspect_counted(data, total_size, limits).0
}

/// [`inspect`], and the number of loop steps it took: every loop in this module counts one step
/// per turn, so tests can bound the work on hostile input.
#[doc(hidden)]
pub fn inspect_counted(data: &[u8], total_size: Option<u64>, limits: &Limits) -> (Report, u64) {
    let mut reader = Reader { data, steps: 0 };
    let report = reader.inspect(total_size, limits);
    (report, reader.steps)
}

/// One MPEG audio frame header (ISO/IEC 11172-3 and 13818-3, plus MPEG-2.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Header {
    version: MpegVersion,
    layer: u8,
    crc: bool,
    bitrate_kbps: u32,
    sample_rate: u32,
    sample_rate_index: u8,
    padding: bool,
    mono: bool,
}

/// Bitrates (kbps) by index 1-14: MPEG-1 Layer I, II, III; MPEG-2/2.5 Layer I, and II/III.
const BITRATES_V1: [[u16; 14]; 3] = [
    [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
];
const BITRATES_V2_L1: [u16; 14] = [
    32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256,
];
const BITRATES_V2_L23: [u16; 14] = [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

impl Header {
    /// A valid header, or `None`: reserved version, layer, bitrate (and free format, index 0,
    /// whose frame length cannot be computed from the header), sample rate or emphasis.
    fn parse(bytes: [u8; 4]) -> Option<Header> {
        let [b0, b1, b2, b3] = bytes;
        if b0 != 0xFF || b1 & 0xE0 != 0xE0 {
            return None;
        }
        let version = match (b1 >> 3) & 3 {
            0 => MpegVersion::V25,
            2 => MpegVersion::V2,
            3 => MpegVersion::V1,
            _ => return None,
        };
        let layer = match (b1 >> 1) & 3 {
            1 => 3,
            2 => 2,
            3 => 1,
            _ => return None,
        };
        let bitrate_index = usize::from(b2 >> 4);
        let table: &[u16; 14] = match (version, layer) {
            (MpegVersion::V1, 1) => &BITRATES_V1[0],
            (MpegVersion::V1, 2) => &BITRATES_V1[1],
            (MpegVersion::V1, _) => &BITRATES_V1[2],
            (_, 1) => &BITRATES_V2_L1,
            _ => &BITRATES_V2_L23,
        };
        let bitrate_kbps = u32::from(*table.get(bitrate_index.checked_sub(1)?)?);
        let sample_rate_index = (b2 >> 2) & 3;
        let base = match sample_rate_index {
            0 => 44100,
            1 => 48000,
            2 => 32000,
            _ => return None,
        };
        let sample_rate = match version {
            MpegVersion::V1 => base,
            MpegVersion::V2 => base / 2,
            MpegVersion::V25 => base / 4,
        };
        // Emphasis 2 is reserved; no encoder writes it, so it marks a false sync.
        if b3 & 3 == 2 {
            return None;
        }
        Some(Header {
            version,
            layer,
            crc: b1 & 1 == 0,
            bitrate_kbps,
            sample_rate,
            sample_rate_index,
            padding: b2 & 2 != 0,
            mono: b3 >> 6 == 3,
        })
    }

    /// The frame's length in bytes, header included (at least 24 for any valid header).
    fn len(&self) -> u64 {
        let bits = u64::from(self.bitrate_kbps) * 1000;
        let rate = u64::from(self.sample_rate);
        let pad = u64::from(self.padding);
        match (self.layer, self.version) {
            (1, _) => (12 * bits / rate + pad) * 4,
            (2, _) | (3, MpegVersion::V1) => 144 * bits / rate + pad,
            _ => 72 * bits / rate + pad,
        }
    }

    /// Samples per channel in a frame.
    fn samples(&self) -> u64 {
        match (self.layer, self.version) {
            (1, _) => 384,
            (2, _) | (3, MpegVersion::V1) => 1152,
            _ => 576,
        }
    }

    /// Frames of one stream share version, layer, sample rate and mono-ness; the bitrate (VBR),
    /// padding and stereo mode (joint or not) change from frame to frame.
    fn same_stream(&self, other: &Header) -> bool {
        self.version == other.version
            && self.layer == other.layer
            && self.sample_rate_index == other.sample_rate_index
            && self.mono == other.mono
    }

    /// Bytes of Layer III side information after the header (and its CRC).
    fn side_info_len(&self) -> u64 {
        match (self.version, self.mono) {
            (MpegVersion::V1, true) => 17,
            (MpegVersion::V1, false) => 32,
            (_, true) => 9,
            (_, false) => 17,
        }
    }
}

/// A VBR header in the first frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct VbrHeader {
    kind: VbrKind,
    /// Audio frames, this header's frame not counted.
    frames: Option<u64>,
    /// The stream's bytes, this header's frame counted (Xing).
    bytes: Option<u64>,
    /// Encoder delay plus padding (samples) from a LAME tag, for gapless trimming.
    trim: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum VbrKind {
    /// "Xing": written for VBR (and ABR) streams.
    Xing,
    /// "Info": the same header in a CBR stream.
    Info,
    Vbri,
}

/// The end of a chain of frames.
enum Chain {
    /// [`SYNC_FRAMES`] headers in a row; with the end of the audio given, also fewer frames that
    /// end exactly there, or two or more whose last one is cut by it.
    Sync,
    /// The bytes given end before the chain could be checked.
    NeedMore(u64),
    Broken,
}

/// The result of looking for a sync.
enum Sync {
    Found(u64, Header),
    NeedMore(u64),
    NotFound,
}

/// Frames walked from the first audio frame.
#[derive(Default)]
struct Walk {
    frames: u64,
    bytes: u64,
    /// Sum of the frames' bitrates, for the average over the frames given.
    kbps_sum: u64,
    first_kbps: Option<u32>,
    varies: bool,
    /// A frame of the stream runs past the end of the whole file.
    cut: bool,
}

struct Reader<'a> {
    data: &'a [u8],
    steps: u64,
}

impl Reader<'_> {
    fn len(&self) -> u64 {
        self.data.len() as u64
    }

    fn byte(&self, at: u64) -> Option<u8> {
        self.data.get(usize::try_from(at).ok()?).copied()
    }

    fn bytes<const N: usize>(&self, at: u64) -> Option<[u8; N]> {
        let at = usize::try_from(at).ok()?;
        self.data.get(at..at.checked_add(N)?)?.try_into().ok()
    }

    fn be32(&self, at: u64) -> Option<u32> {
        self.bytes::<4>(at).map(u32::from_be_bytes)
    }

    fn le32(&self, at: u64) -> Option<u32> {
        self.bytes::<4>(at).map(u32::from_le_bytes)
    }

    fn header(&self, at: u64) -> Option<Header> {
        Header::parse(self.bytes::<4>(at)?)
    }

    fn inspect(&mut self, total_size: Option<u64>, limits: &Limits) -> Report {
        let len = self.len();
        let total = total_size.map(|t| t.max(len));
        let whole = total == Some(len);
        let mut report = Report::default();
        let size = total.unwrap_or(len);
        if size > limits.max_bytes {
            report.issues.push(Mp3Issue::TooLarge {
                bytes: size,
                max_bytes: limits.max_bytes,
                exact: total.is_some(),
            });
        }
        // Asking for more never asks past the end, and always for more than was given.
        let ask = |n: u64| Mp3Issue::NeedsMoreBytes {
            at_least: total.map_or(n, |t| n.min(t)).max(len.saturating_add(1)),
        };

        if len == 0 {
            report.issues.push(if whole {
                Mp3Issue::NotMp3 {
                    looks_like: LooksLike::Empty,
                }
            } else {
                ask(PROBE_BYTES)
            });
            return report;
        }

        // ID3v2 tags (there may be more than one) before the audio.
        let mut start = 0u64;
        loop {
            self.steps += 1;
            match self.id3v2_len(start) {
                Id3::Tag(n) => start = start.saturating_add(n),
                Id3::Partial if !whole => {
                    report.issues.push(ask(start.saturating_add(PROBE_BYTES)));
                    return report;
                }
                Id3::Partial | Id3::None => break,
            }
        }
        if start >= len {
            if total.is_some_and(|t| start >= t) {
                report.issues.push(Mp3Issue::NotMp3 {
                    looks_like: LooksLike::Id3WithoutAudio,
                });
            } else if start > limits.max_bytes {
                // The tags alone are over the limit: the answer is known, and fetching up to
                // 256 MB of declared tag to read on would only confirm it.
                if !report.issues.iter().any(|i| i.code() == "too_large") {
                    report.issues.push(Mp3Issue::TooLarge {
                        bytes: start,
                        max_bytes: limits.max_bytes,
                        exact: false,
                    });
                }
            } else {
                report.issues.push(ask(start.saturating_add(PROBE_BYTES)));
            }
            return report;
        }

        if let Some(looks_like) = self.sniff(0).or_else(|| self.sniff(start)) {
            report.issues.push(Mp3Issue::NotMp3 { looks_like });
            return report;
        }

        // The end of the audio within the bytes given: tags at the end are known only when the
        // end is given.
        let end = if whole { self.strip_tails(start, len) } else { len };

        // The same limit on junk whether the file is given whole or not, so that the answer does
        // not depend on how many bytes were fetched.
        let junk_limit = start.saturating_add(MAX_LEADING_JUNK);
        let (first, header) = match self.find_sync(start, end, whole, junk_limit) {
            Sync::Found(at, header) => (at, header),
            Sync::NeedMore(n) => {
                report.issues.push(ask(n));
                return report;
            }
            Sync::NotFound => {
                if !whole && len < junk_limit.saturating_add(3) {
                    // Not every place a frame could start before the limit was seen.
                    report.issues.push(ask(
                        junk_limit.saturating_add(SYNC_FRAMES as u64 * MAX_FRAME),
                    ));
                } else {
                    let looks_like = if start > 0 {
                        LooksLike::Id3WithoutAudio
                    } else if self.is_adts(0) {
                        LooksLike::Aac
                    } else {
                        LooksLike::Unknown
                    };
                    report.issues.push(Mp3Issue::NotMp3 { looks_like });
                }
                return report;
            }
        };

        let vbr_header = if header.layer == 3 {
            self.vbr_header(first, &header)
        } else {
            None
        };
        let audio_from = if vbr_header.is_some() {
            first.saturating_add(header.len())
        } else {
            first
        };
        let walk = self.walk(audio_from, end, whole, &header);

        let rate = f64::from(header.sample_rate);
        let spf = header.samples();
        let seconds_of = |frames: u64, trim: u64| {
            let samples = frames.saturating_mul(spf);
            let samples = samples.checked_sub(trim).unwrap_or(samples);
            samples as f64 / rate
        };
        let trim = vbr_header.and_then(|v| v.trim).unwrap_or(0);

        let audio_bytes = if whole {
            Some(end.saturating_sub(first))
        } else {
            match vbr_header {
                Some(VbrHeader {
                    kind: VbrKind::Xing | VbrKind::Info,
                    bytes: Some(b),
                    ..
                }) => Some(b),
                _ => total.map(|t| t.saturating_sub(first)),
            }
        };

        let mut frames = None;
        let mut exact = false;
        let mut from = None;
        let mut duration = None;
        if whole {
            // Every frame counted: what a decoder plays. The LAME tag's trim applies only when
            // its count is the one found (else the file was cut or joined after encoding).
            let trim = match vbr_header {
                Some(v) if v.frames == Some(walk.frames) => trim,
                _ => 0,
            };
            duration = Some(seconds_of(walk.frames, trim));
            frames = Some(walk.frames);
            exact = true;
            from = Some(DurationSource::Frames);
        } else if let Some(v) = vbr_header.filter(|v| v.frames.is_some()) {
            let n = v.frames.unwrap_or(0);
            duration = Some(seconds_of(n, trim));
            frames = Some(n);
            exact = true;
            from = Some(if v.kind == VbrKind::Vbri {
                DurationSource::Vbri
            } else {
                DurationSource::Xing
            });
        } else if let Some(t) = total {
            // An estimate from the bytes after the first frames' bitrate: exact for CBR but for
            // the tags at the end, which only the whole file shows.
            let bytes = t.saturating_sub(audio_from) as f64;
            let walked = seconds_of(walk.frames, 0);
            let bytes_per_second = if walk.varies && walked > 0.0 {
                walk.bytes as f64 / walked
            } else {
                f64::from(walk.first_kbps.unwrap_or(header.bitrate_kbps)) * 125.0
            };
            duration = Some(bytes / bytes_per_second);
            from = Some(DurationSource::Bitrate);
            if walk.varies && t <= limits.max_bytes {
                // VBR without a header: only counting every frame gives the duration.
                report.issues.push(ask(t));
            }
        } else {
            report.issues.push(Mp3Issue::DurationUnknown);
        }

        let vbr = match vbr_header.map(|v| v.kind) {
            Some(VbrKind::Xing | VbrKind::Vbri) => true,
            Some(VbrKind::Info) => false,
            None => walk.varies,
        };
        let walked_kbps = walk.kbps_sum.checked_div(walk.frames).map(|k| k as u32);
        let bitrate_kbps = if !vbr {
            walk.first_kbps.unwrap_or(header.bitrate_kbps)
        } else {
            match (audio_bytes, duration) {
                (Some(b), Some(d)) if d > 0.0 => (b as f64 * 8.0 / d / 1000.0 + 0.5) as u32,
                _ => walked_kbps.unwrap_or(header.bitrate_kbps),
            }
        };

        let truncated = if whole {
            walk.cut
        } else {
            // A Xing header's byte count says where the stream ends.
            match (vbr_header, total) {
                (
                    Some(VbrHeader {
                        kind: VbrKind::Xing | VbrKind::Info,
                        bytes: Some(b),
                        ..
                    }),
                    Some(t),
                ) => first.saturating_add(b) > t,
                _ => false,
            }
        };

        if header.layer != 3 {
            report.issues.push(Mp3Issue::NotMp3 {
                looks_like: if header.layer == 1 {
                    LooksLike::MpegLayer1
                } else {
                    LooksLike::MpegLayer2
                },
            });
        }
        if truncated {
            report.issues.push(Mp3Issue::Truncated);
        }
        if let Some(d) = duration.filter(|d| *d > limits.max_seconds) {
            report.issues.push(Mp3Issue::TooLong {
                seconds: d,
                max_seconds: limits.max_seconds,
                exact,
            });
        }
        report.facts = Some(Facts {
            duration_seconds: duration,
            duration_exact: exact,
            duration_from: from,
            bytes: total,
            audio_start: first,
            audio_bytes,
            bitrate_kbps,
            vbr,
            sample_rate: header.sample_rate,
            channels: if header.mono { 1 } else { 2 },
            mpeg_version: header.version,
            layer: header.layer,
            frames,
        });
        report
    }

    /// The ID3v2 tag at `at`: its whole length (header, body and footer).
    fn id3v2_len(&self, at: u64) -> Id3 {
        let Some(head) = self.bytes::<10>(at) else {
            // Fewer than 10 bytes left: a tag's start, or not a tag.
            let rest = self.len().saturating_sub(at);
            let starts_like_a_tag = (0..rest.min(3))
                .all(|i| self.byte(at.saturating_add(i)) == b"ID3".get(i as usize).copied());
            return if rest > 0 && starts_like_a_tag {
                Id3::Partial
            } else {
                Id3::None
            };
        };
        let [i, d, three, major, revision, flags, s0, s1, s2, s3] = head;
        let syncsafe = [s0, s1, s2, s3].iter().all(|b| b & 0x80 == 0);
        if [i, d, three] != *b"ID3"
            || !(2..=4).contains(&major)
            || revision == 0xFF
            || !syncsafe
        {
            return Id3::None;
        }
        let size = [s0, s1, s2, s3]
            .iter()
            .fold(0u64, |n, b| (n << 7) | u64::from(*b));
        // ID3v2.4 footer flag: a 10-byte copy of the header after the body.
        let footer = if major == 4 && flags & 0x10 != 0 {
            10
        } else {
            0
        };
        Id3::Tag(10 + size + footer)
    }

    /// The end of the audio once an ID3v1 tag ("TAG", the last 128 bytes) and an APEv2 tag (its
    /// 32-byte footer "APETAGEX" before ID3v1 or at the end) are taken off.
    fn strip_tails(&mut self, start: u64, mut end: u64) -> u64 {
        self.steps += 1;
        if end >= start.saturating_add(128)
            && self.bytes::<3>(end.saturating_sub(128)) == Some(*b"TAG")
        {
            end -= 128;
        }
        let footer = end.saturating_sub(32);
        if end >= start.saturating_add(32) && self.bytes::<8>(footer) == Some(*b"APETAGEX") {
            let size = self.le32(footer.saturating_add(12)).map(u64::from);
            let flags = self.le32(footer.saturating_add(20)).unwrap_or(0);
            let header = if flags & 0x8000_0000 != 0 { 32 } else { 0 };
            if let Some(tag) = size.filter(|s| *s >= 32).map(|s| s + header) {
                if tag <= end - start {
                    end -= tag;
                }
            }
        }
        end
    }

    /// What the bytes at `at` are when they are a known non-MP3 format.
    fn sniff(&mut self, at: u64) -> Option<LooksLike> {
        let four = self.bytes::<4>(at)?;
        let eight = |k: u64| self.bytes::<4>(at.saturating_add(k));
        let looks = match &four {
            b"RIFF" => LooksLike::Wav,
            b"OggS" => LooksLike::Ogg,
            b"fLaC" => LooksLike::Flac,
            b"FORM" if matches!(eight(8).as_ref(), Some(b"AIFF" | b"AIFC")) => LooksLike::Aiff,
            [0x1A, 0x45, 0xDF, 0xA3] => LooksLike::Matroska,
            _ if eight(4).as_ref() == Some(b"ftyp") => LooksLike::Mp4,
            _ => return self.sniff_text(at),
        };
        Some(looks)
    }

    /// HTML, XML or an M3U playlist: text after an optional UTF-8 BOM and white space.
    fn sniff_text(&mut self, at: u64) -> Option<LooksLike> {
        let mut p = at;
        if self.bytes::<3>(p) == Some([0xEF, 0xBB, 0xBF]) {
            p += 3;
        }
        // Leading white space, within reason: a page does not start with 1 KB of it.
        let limit = p.saturating_add(1024);
        while p < limit && self.byte(p).is_some_and(|b| b.is_ascii_whitespace()) {
            self.steps += 1;
            p += 1;
        }
        let starts = |word: &[u8]| {
            word.iter().enumerate().all(|(i, w)| {
                self.byte(p.saturating_add(i as u64))
                    .is_some_and(|b| b.eq_ignore_ascii_case(w))
            })
        };
        if starts(b"<!doctype") || starts(b"<html") || starts(b"<head") || starts(b"<body") {
            Some(LooksLike::Html)
        } else if starts(b"<?xml") {
            Some(LooksLike::Xml)
        } else if starts(b"#extm3u") {
            Some(LooksLike::Playlist)
        } else {
            None
        }
    }

    /// AAC's ADTS header: the 12-bit sync and layer 0, which MPEG audio reserves.
    fn is_adts(&self, at: u64) -> bool {
        matches!(self.bytes::<2>(at), Some([0xFF, b1]) if b1 & 0xF6 == 0xF0)
    }

    /// The first sync at or after `from` and before `limit`, in the bytes before `end` (the end
    /// of the audio in the bytes given; `at_end` says whether it is the end of the file's audio).
    fn find_sync(&mut self, from: u64, end: u64, at_end: bool, limit: u64) -> Sync {
        let mut p = from;
        while p < limit && p.saturating_add(4) <= end {
            self.steps += 1;
            if self.byte(p) == Some(0xFF) {
                if let Some(header) = self.header(p) {
                    match self.chain(p, header, end, at_end) {
                        Chain::Sync => return Sync::Found(p, header),
                        Chain::NeedMore(n) => return Sync::NeedMore(n),
                        Chain::Broken => {}
                    }
                }
            }
            p += 1;
        }
        Sync::NotFound
    }

    /// Whether the frame at `at` starts a run of frames.
    fn chain(&mut self, at: u64, first: Header, end: u64, at_end: bool) -> Chain {
        let mut p = at;
        let mut header = first;
        // `seen` headers checked so far; the loop checks the next one.
        for seen in 1..SYNC_FRAMES {
            self.steps += 1;
            let next = p.saturating_add(header.len());
            if at_end && next == end {
                return Chain::Sync;
            }
            if at_end && next > end {
                // A cut last frame after at least one whole one: a short, truncated stream.
                return if seen >= 2 { Chain::Sync } else { Chain::Broken };
            }
            if !at_end && next.saturating_add(4) > end {
                return Chain::NeedMore(at.saturating_add(SYNC_FRAMES as u64 * MAX_FRAME));
            }
            match self.header(next) {
                Some(h) if h.same_stream(&first) => {
                    p = next;
                    header = h;
                }
                _ => return Chain::Broken,
            }
        }
        Chain::Sync
    }

    /// Walks the frames of the stream of `first` from `from` to `end`, resynchronising after
    /// junk. With the whole file (`at_end`), a frame running past `end` is a cut one.
    fn walk(&mut self, from: u64, end: u64, at_end: bool, first: &Header) -> Walk {
        let mut walk = Walk::default();
        let mut p = from;
        while p < end {
            self.steps += 1;
            let header = match self.header(p) {
                Some(h) if h.same_stream(first) => h,
                _ => {
                    if p.saturating_add(4) > end {
                        // Up to three bytes left: a header cut short, or trailing junk.
                        walk.cut |= at_end && self.byte(p) == Some(0xFF);
                        break;
                    }
                    match self.resync(p.saturating_add(1), end, at_end, first) {
                        Some(q) => {
                            p = q;
                            continue;
                        }
                        None => break,
                    }
                }
            };
            let next = p.saturating_add(header.len());
            if next > end {
                walk.cut |= at_end;
                break;
            }
            walk.frames += 1;
            walk.bytes = walk.bytes.saturating_add(header.len());
            walk.kbps_sum = walk
                .kbps_sum
                .saturating_add(u64::from(header.bitrate_kbps));
            match walk.first_kbps {
                None => walk.first_kbps = Some(header.bitrate_kbps),
                Some(k) if k != header.bitrate_kbps => walk.varies = true,
                Some(_) => {}
            }
            p = next;
        }
        walk
    }

    /// The next sync of the same stream at or after `from`.
    fn resync(&mut self, mut from: u64, end: u64, at_end: bool, first: &Header) -> Option<u64> {
        loop {
            match self.find_sync(from, end, at_end, u64::MAX) {
                Sync::Found(q, h) if h.same_stream(first) => return Some(q),
                // Another stream (a different sample rate, say): keep looking after it.
                Sync::Found(q, _) => from = q.saturating_add(1),
                Sync::NeedMore(_) | Sync::NotFound => return None,
            }
        }
    }

    /// A Xing/Info header (after the side information) or a VBRI header (32 bytes after the
    /// header) in the frame at `at`.
    fn vbr_header(&mut self, at: u64, header: &Header) -> Option<VbrHeader> {
        self.steps += 1;
        let crc = if header.crc { 2 } else { 0 };
        let side = header.side_info_len();
        // LAME puts the tag after the CRC; some writers forget the CRC: try both.
        for offset in [4 + crc + side, 4 + side] {
            let p = at.saturating_add(offset);
            let kind = match self.bytes::<4>(p).as_ref() {
                Some(b"Xing") => VbrKind::Xing,
                Some(b"Info") => VbrKind::Info,
                _ => continue,
            };
            return Some(self.xing(p, kind, at.saturating_add(header.len())));
        }
        let p = at.saturating_add(36);
        if self.bytes::<4>(p) == Some(*b"VBRI") {
            let frames = self.be32(p.saturating_add(14)).map(u64::from);
            return Some(VbrHeader {
                kind: VbrKind::Vbri,
                frames: frames.filter(|n| *n > 0),
                bytes: None,
                trim: None,
            });
        }
        None
    }

    /// The Xing/Info header at `p`, within the frame that ends at `frame_end`: flags, then the
    /// fields they announce (frames, bytes, a 100-byte table, quality), then maybe a LAME tag.
    fn xing(&self, p: u64, kind: VbrKind, frame_end: u64) -> VbrHeader {
        let flags = self.be32(p.saturating_add(4)).unwrap_or(0);
        let mut q = p.saturating_add(8);
        let mut field = |flag: u32, size: u64| {
            if flags & flag == 0 {
                return None;
            }
            let at = q;
            q = q.saturating_add(size);
            Some(at)
        };
        let frames = field(1, 4).and_then(|at| self.be32(at)).map(u64::from);
        let bytes = field(2, 4).and_then(|at| self.be32(at)).map(u64::from);
        let _toc = field(4, 100);
        let _quality = field(8, 4);
        // The LAME tag: 9 characters of encoder name, then at byte 21 the encoder delay and the
        // padding, 12 bits each (samples the decoder drops at the start and the end).
        let trim = match self.bytes::<4>(q).as_ref() {
            Some(b"LAME" | b"Lavf" | b"Lavc" | b"L3.9") if q.saturating_add(24) <= frame_end => self
                .bytes::<3>(q.saturating_add(21))
                .map(|[a, b, c]| {
                    let delay = (u64::from(a) << 4) | u64::from(b >> 4);
                    let padding = (u64::from(b & 0x0F) << 8) | u64::from(c);
                    delay + padding
                }),
            _ => None,
        };
        VbrHeader {
            kind,
            frames: frames.filter(|n| *n > 0),
            bytes: bytes.filter(|n| *n > 0),
            trim,
        }
    }
}

/// What [`Reader::id3v2_len`] found.
enum Id3 {
    Tag(u64),
    /// Fewer than 10 bytes that could start a tag.
    Partial,
    None,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every valid header, all 2^21 of them: frames are at least 24 bytes (so walking them always
    /// moves on) and at most `MAX_FRAME`, and the lengths are the standard's.
    #[test]
    fn every_valid_header_has_a_bounded_length() {
        let mut valid = 0;
        for b1 in 0xE0..=0xFFu8 {
            for b2 in 0..=0xFFu8 {
                for b3 in 0..=0xFFu8 {
                    if let Some(h) = Header::parse([0xFF, b1, b2, b3]) {
                        valid += 1;
                        assert!((24..=MAX_FRAME).contains(&h.len()), "{h:?}");
                    }
                }
            }
        }
        // 3 versions x 3 layers x 14 bitrates x 3 rates x 2 paddings x 2 CRC x 4 modes x 4 mode
        // extensions x 2 private bits x 2 copyright x 2 original x 3 emphases.
        assert_eq!(valid, 3 * 3 * 14 * 3 * 2 * 2 * 4 * 4 * 2 * 2 * 2 * 3);
        let len = |b: [u8; 4]| Header::parse(b).map(|h| (h.len(), h.samples()));
        // MPEG-1 Layer III, 128 kbps, 44.1 kHz: 417 bytes, 418 padded.
        assert_eq!(len([0xFF, 0xFB, 0x90, 0x00]), Some((417, 1152)));
        assert_eq!(len([0xFF, 0xFB, 0x92, 0x00]), Some((418, 1152)));
        // MPEG-2.5 Layer III, 8 kbps, 8 kHz: 72 bytes of 576 samples.
        assert_eq!(len([0xFF, 0xE3, 0x18, 0xC4]), Some((72, 576)));
        // MPEG-1 Layer II, 384 kbps, 32 kHz, padded: 1,729 bytes.
        assert_eq!(len([0xFF, 0xFD, 0xEA, 0x00]), Some((1729, 1152)));
        // MPEG-2.5 Layer II, 160 kbps, 8 kHz, padded: the longest frame.
        assert_eq!(len([0xFF, 0xE5, 0xEA, 0x00]), Some((MAX_FRAME, 1152)));
        // MPEG-1 Layer I, 448 kbps, 32 kHz: 672 bytes of 384 samples.
        assert_eq!(len([0xFF, 0xFF, 0xE8, 0x00]), Some((672, 384)));
        // Reserved version, layer, bitrate 15, free format, rate 3, emphasis 2.
        for b in [
            [0xFF, 0xEB, 0x90, 0x00],
            [0xFF, 0xF9, 0x90, 0x00],
            [0xFF, 0xFB, 0xF0, 0x00],
            [0xFF, 0xFB, 0x00, 0x00],
            [0xFF, 0xFB, 0x9C, 0x00],
            [0xFF, 0xFB, 0x90, 0x02],
        ] {
            assert_eq!(Header::parse(b), None, "{b:02X?}");
        }
    }

    #[test]
    fn durations_print_with_one_decimal() {
        assert_eq!(seconds_text(60.0), "60.0 s");
        assert_eq!(seconds_text(61.16), "61.2 s");
        assert_eq!(seconds_text(0.04), "0.0 s");
    }
}
