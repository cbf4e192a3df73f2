//! Byte ranges into a message's buffers: the parsed bytes, or the side
//! buffer where changed and added values live.

/// Marks a span that points into the side buffer rather than the parsed bytes.
const EXTRA: u32 = 1 << 31;

/// A byte range `start..end` into the parsed buffer or, when flagged, into
/// the message's side buffer of owned bytes. Eight bytes, `Copy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Span {
    start: u32,
    end: u32,
}

impl Span {
    /// A span of the parsed buffer. Offsets fit in 31 bits because messages
    /// are limited well below 2 GiB by [`crate::ParserConfig`].
    pub(crate) fn buf(start: usize, end: usize) -> Self {
        debug_assert!(start <= end && end < EXTRA as usize);
        Self {
            start: start as u32,
            end: end as u32,
        }
    }

    /// A span of the side buffer.
    pub(crate) fn extra(start: usize, end: usize) -> Self {
        debug_assert!(start <= end && end < EXTRA as usize);
        Self {
            start: start as u32 | EXTRA,
            end: end as u32,
        }
    }

    /// Whether the span points into the side buffer.
    pub(crate) fn is_extra(self) -> bool {
        self.start & EXTRA != 0
    }

    pub(crate) fn start(self) -> usize {
        (self.start & !EXTRA) as usize
    }

    pub(crate) fn end(self) -> usize {
        self.end as usize
    }

    /// Resolves the span against the two buffers.
    pub(crate) fn get<'a>(self, buf: &'a [u8], extra: &'a [u8]) -> &'a [u8] {
        let src = if self.is_extra() { extra } else { buf };
        src.get(self.start()..self.end()).unwrap_or_default()
    }
}
