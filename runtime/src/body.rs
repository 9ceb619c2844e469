//! A response body as it arrives: whole, or a stream of chunks (a download is never held
//! whole in memory unless the caller collects it).

use crate::Error;
use bytes::Bytes;
use futures_core::Stream;
use std::pin::Pin;
use std::task::{Context, Poll};

type Chunks = Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send>>;

/// A response body: bytes already read, or a stream of chunks still arriving. It is a
/// [`Stream`] of `Result<Bytes, Error>`; [`Body::collect`] reads it to the end.
pub struct Body {
    inner: Inner,
}

enum Inner {
    Full(Option<Bytes>),
    Stream(Chunks),
}

impl Body {
    /// No bytes.
    pub fn empty() -> Self {
        Body {
            inner: Inner::Full(None),
        }
    }

    /// A body whose chunks come from `stream` (what a streaming [`crate::Transport`]
    /// returns). Read again after its end, the body stays ended.
    pub fn from_stream(stream: impl Stream<Item = Result<Bytes, Error>> + Send + 'static) -> Self {
        Body {
            inner: Inner::Stream(Box::pin(futures_util::StreamExt::fuse(stream))),
        }
    }

    /// The next chunk, `None` at the end.
    pub async fn chunk(&mut self) -> Option<Result<Bytes, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Read the body to its end.
    pub async fn collect(mut self) -> Result<Vec<u8>, Error> {
        if let Inner::Full(bytes) = &mut self.inner {
            return Ok(bytes.take().map(Vec::from).unwrap_or_default());
        }
        let mut all = Vec::new();
        while let Some(chunk) = self.chunk().await {
            all.extend_from_slice(&chunk?);
        }
        Ok(all)
    }

    /// Whether the whole body is already here (nothing left to read from the network).
    pub fn is_full(&self) -> bool {
        matches!(self.inner, Inner::Full(_))
    }
}

impl Stream for Body {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match &mut self.inner {
            Inner::Full(bytes) => Poll::Ready(bytes.take().filter(|b| !b.is_empty()).map(Ok)),
            Inner::Stream(stream) => stream.as_mut().poll_next(cx),
        }
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Self {
        Body {
            inner: Inner::Full(Some(Bytes::from(bytes))),
        }
    }
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Self {
        Body {
            inner: Inner::Full(Some(bytes)),
        }
    }
}

impl From<&'static [u8]> for Body {
    fn from(bytes: &'static [u8]) -> Self {
        Body::from(Bytes::from_static(bytes))
    }
}

impl From<String> for Body {
    fn from(text: String) -> Self {
        Body::from(text.into_bytes())
    }
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.inner {
            Inner::Full(bytes) => f
                .debug_struct("Body")
                .field("len", &bytes.as_ref().map_or(0, Bytes::len))
                .finish(),
            Inner::Stream(_) => f.write_str("Body(stream)"),
        }
    }
}

/// Decodes a `Content-Encoding: gzip` body chunk by chunk as it streams. A body with no
/// bytes at all (the answer to a `HEAD`, a `204`, a `304` that name the encoding) is empty,
/// not a truncated gzip stream.
pub(crate) fn gunzip(body: Body) -> Body {
    use std::io::Write;
    let decoder = flate2::write::GzDecoder::new(Vec::new());
    let stream = futures_util::stream::unfold(
        (body, Some(decoder), false),
        |(mut body, decoder, mut started)| async move {
            let mut decoder = decoder?;
            loop {
                match body.chunk().await {
                    Some(Ok(chunk)) => {
                        started |= !chunk.is_empty();
                        if let Err(e) = decoder.write_all(&chunk) {
                            return Some((Err(Error::transport(e)), (body, None, started)));
                        }
                        let out = std::mem::take(decoder.get_mut());
                        if !out.is_empty() {
                            return Some((Ok(Bytes::from(out)), (body, Some(decoder), started)));
                        }
                    }
                    Some(Err(e)) => return Some((Err(e), (body, None, started))),
                    None if !started => return None,
                    None => {
                        return match decoder.finish() {
                            Ok(rest) if rest.is_empty() => None,
                            Ok(rest) => Some((Ok(Bytes::from(rest)), (body, None, started))),
                            Err(e) => Some((Err(Error::transport(e)), (body, None, started))),
                        };
                    }
                }
            }
        },
    );
    Body::from_stream(stream)
}
