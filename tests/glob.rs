//! The crate's names do not clash when a user imports the root, the channel and the
//! tokio glue whole: one `Frame` for every whole-frame reader, one linger.
#![cfg(feature = "tokio")]
#![allow(unused_imports)]

use asynchat::channel::*;
use asynchat::tokio::*;
use asynchat::*;

#[test]
fn glob_imports_of_the_root_the_channel_and_tokio_do_not_clash() {
    let whole: Frame<&[u8]> = Frame::Whole(b"x");
    let split: Frame<bytes::BytesMut> = whole.map(bytes::BytesMut::from);
    assert_eq!(split, Frame::Whole(bytes::BytesMut::from(&b"x"[..])));
    assert_eq!(DEFAULT_LINGER, std::time::Duration::from_secs(2));
    let _codec = FrameCodec::new(Terminator::literal(b"\n"));
    let _reader = FrameReader::new(Terminator::literal(b"\n"), Vec::new());
    struct Nothing;
    impl FrameHandler for Nothing {
        fn handle_frame(&mut self, _frame: &[u8], _ctx: &mut Context<'_>) {}
    }
    let _frames: Frames<Nothing> = Frames::new(Nothing);
    let kinds = [
        FrameKind::Delimited,
        FrameKind::Counted,
        FrameKind::Unterminated,
    ];
    assert_eq!(kinds.len(), 3);
}
