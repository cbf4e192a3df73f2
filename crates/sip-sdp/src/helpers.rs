//! Counterparts of the eXosip SDP helpers (`eXosip_get_audio_connection`,
//! `eXosip_get_audio_media`, `eXosip_get_media`, ...) on a parsed session.

use crate::model::{Connection, Media, MediaKind, Session};

impl Session {
    /// The connection of media `index`: its first media-level c=, else the
    /// session-level one (RFC 8866 section 5.7).
    pub fn connection_for(&self, index: usize) -> Option<&Connection> {
        self.media
            .get(index)
            .and_then(|m| m.connections.first())
            .or(self.connection.as_ref())
    }

    /// The index of the first media of a type (eXosip `eXosip_get_media`).
    pub fn first_media_index_of(&self, kind: &MediaKind) -> Option<usize> {
        self.media.iter().position(|m| &m.kind == kind)
    }

    /// The first media of a type (eXosip `eXosip_get_media(sdp, "video")`).
    pub fn first_media_of(&self, kind: &MediaKind) -> Option<&Media> {
        self.media.iter().find(|m| &m.kind == kind)
    }

    /// The first audio media (eXosip `eXosip_get_audio_media`).
    pub fn audio_media(&self) -> Option<&Media> {
        self.first_media_of(&MediaKind::Audio)
    }

    /// The first video media (eXosip `eXosip_get_video_media`).
    pub fn video_media(&self) -> Option<&Media> {
        self.first_media_of(&MediaKind::Video)
    }

    /// The connection of the first media of a type: its media-level c=, else
    /// the session-level one (eXosip `eXosip_get_connection`).
    pub fn connection_of(&self, kind: &MediaKind) -> Option<&Connection> {
        self.connection_for(self.first_media_index_of(kind)?)
    }

    /// The connection of the first audio media: its media-level c=, else
    /// the session-level one (eXosip `eXosip_get_audio_connection`).
    pub fn audio_connection(&self) -> Option<&Connection> {
        self.connection_of(&MediaKind::Audio)
    }

    /// The connection of the first video media (eXosip `eXosip_get_video_connection`).
    pub fn video_connection(&self) -> Option<&Connection> {
        self.connection_of(&MediaKind::Video)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MULT: &str = "v=0\r\no=bob 280744730 28977631 IN IP4 host.example.com\r\ns=\r\nt=0 0\r\n\
m=audio 22334 RTP/AVP 0\r\nc=IN IP4 192.0.2.1\r\nm=video 6024 RTP/AVP 107\r\nc=IN IP6 2001:db8::1\r\n\
a=rtpmap:107 H263-1998/90000\r\n";

    #[test]
    fn media_level_connections() {
        let s = Session::parse(MULT.as_bytes()).unwrap();
        assert_eq!(s.audio_connection().unwrap().address, "192.0.2.1");
        assert_eq!(s.video_connection().unwrap().address, "2001:db8::1");
        assert_eq!(s.audio_media().unwrap().port, 22334);
        assert_eq!(s.video_media().unwrap().port, 6024);
        assert!(s.first_media_of(&MediaKind::Text).is_none());
        assert!(s.connection_of(&MediaKind::Image).is_none());
    }

    #[test]
    fn session_level_fallback() {
        let s = Session::parse(
            b"v=0\r\no=- 1 1 IN IP4 a\r\nc=IN IP4 10.0.0.1\r\nm=audio 1 RTP/AVP 0\r\n",
        )
        .unwrap();
        assert_eq!(s.audio_connection().unwrap().address, "10.0.0.1");
        assert_eq!(s.first_media_index_of(&MediaKind::Audio), Some(0));
    }
}
