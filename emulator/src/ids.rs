//! Randomness for the emulator: ids and secrets come from a caller-supplied [`Random`] source.

/// A source of random bytes. Node passes `crypto.getRandomValues`; tests pass [`SeededRandom`].
pub trait Random {
    /// Fills `buf` entirely with random bytes.
    fn fill(&mut self, buf: &mut [u8]);
}

/// A small deterministic generator (SplitMix64) for tests and reproducible fixtures.
/// It is NOT cryptographically secure: never use it for secrets that leave a test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeededRandom {
    state: u64,
}

impl SeededRandom {
    pub fn new(seed: u64) -> Self {
        SeededRandom { state: seed }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl Random for SeededRandom {
    fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }
}

/// Formats 16 bytes as a lowercase UUID v4 (`xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`).
pub(crate) fn uuid_from(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A random UUID v4.
pub(crate) fn uuid_v4(rng: &mut dyn Random) -> String {
    let mut b = [0u8; 16];
    rng.fill(&mut b);
    uuid_from(b)
}

/// A UUID v4 that `taken` rejects for none of its tries: a few random draws, then ids derived
/// from a counter, so even a broken source (all zeros) cannot loop forever or collide.
pub(crate) fn unique_uuid(rng: &mut dyn Random, taken: impl Fn(&str) -> bool) -> String {
    for _ in 0..4 {
        let id = uuid_v4(rng);
        if !taken(&id) {
            return id;
        }
    }
    let mut n: u128 = 0;
    loop {
        let id = uuid_from(n.to_be_bytes());
        if !taken(&id) {
            return id;
        }
        n += 1;
    }
}

/// A fresh pinless `hmac`: standard base64 of 32 random bytes.
pub(crate) fn new_secret(rng: &mut dyn Random) -> String {
    let mut b = [0u8; 32];
    rng.fill(&mut b);
    daily_dialin::webhook::generate_secret(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_shape() {
        let id = uuid_from([0xff; 16]);
        assert_eq!(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let id = uuid_from([0; 16]);
        assert_eq!(id, "00000000-0000-4000-8000-000000000000");
    }

    #[test]
    fn unique_even_with_constant_source() {
        struct Zero;
        impl Random for Zero {
            fn fill(&mut self, buf: &mut [u8]) {
                buf.fill(0);
            }
        }
        let mut seen = std::collections::HashSet::new();
        for _ in 0..20 {
            let id = unique_uuid(&mut Zero, |s| seen.contains(s));
            assert!(seen.insert(id));
        }
    }

    #[test]
    fn seeded_is_deterministic_and_fills_odd_lengths() {
        let (mut a, mut b) = (SeededRandom::new(7), SeededRandom::new(7));
        let (mut x, mut y) = ([0u8; 13], [0u8; 13]);
        a.fill(&mut x);
        b.fill(&mut y);
        assert_eq!(x, y);
        assert_ne!(x, [0u8; 13]);
    }
}
