//! Large-file upload sessions: after `createUploadSession` returns an `uploadUrl`, the file
//! goes up in ranged `PUT`s (`Content-Range: bytes start-end/total`), each a multiple of
//! 320 KiB (the last excepted), at most 60 MiB; a range that fails is resumed from what the
//! session says it still expects (`nextExpectedRanges`).

use crate::client::NoToken;
use crate::response::{Json, ResponseBody};
use crate::{Client, Error, Transport};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::future::Future;

/// The unit of an upload range the service requires: 320 KiB.
pub const RANGE_UNIT: usize = 320 * 1024;
/// The largest range the service takes: 60 MiB.
pub const MAX_RANGE: usize = 60 * 1024 * 1024;

/// What a file is uploaded from: its length and any range of it, read when needed (so a
/// large file is never whole in memory).
pub trait UploadSource: Send {
    /// The total length in bytes.
    fn len(&self) -> u64;
    /// Whether the source is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// `len` bytes from `offset` (the last range may be shorter than asked only at the end).
    fn read_range(
        &mut self,
        offset: u64,
        len: usize,
    ) -> impl Future<Output = std::io::Result<Vec<u8>>> + Send;
}

impl UploadSource for Vec<u8> {
    fn len(&self) -> u64 {
        Vec::len(self) as u64
    }
    fn read_range(
        &mut self,
        offset: u64,
        len: usize,
    ) -> impl Future<Output = std::io::Result<Vec<u8>>> + Send {
        let start = (offset as usize).min(self.len());
        let end = start.saturating_add(len).min(self.len());
        std::future::ready(Ok(self[start..end].to_vec()))
    }
}

/// A file on disk, read range by range (a blocking read of one range at a time).
impl UploadSource for std::fs::File {
    fn len(&self) -> u64 {
        self.metadata().map(|m| m.len()).unwrap_or(0)
    }
    fn read_range(
        &mut self,
        offset: u64,
        len: usize,
    ) -> impl Future<Output = std::io::Result<Vec<u8>>> + Send {
        use std::io::{Read, Seek, SeekFrom};
        let read = (|| {
            self.seek(SeekFrom::Start(offset))?;
            let mut buf = Vec::with_capacity(len);
            self.by_ref().take(len as u64).read_to_end(&mut buf)?;
            Ok(buf)
        })();
        std::future::ready(read)
    }
}

/// How an upload session runs.
#[derive(Clone, Debug, PartialEq)]
pub struct UploadOptions {
    /// Bytes per `PUT`: a multiple of [`RANGE_UNIT`], at most [`MAX_RANGE`] (default
    /// 10 × 320 KiB = 3.2 MiB, the size Microsoft recommends for steady connections).
    pub range_size: usize,
    /// Resumes in a row after failed ranges before the upload gives up.
    pub max_resumes: u32,
}

impl Default for UploadOptions {
    fn default() -> Self {
        UploadOptions {
            range_size: 10 * RANGE_UNIT,
            max_resumes: 3,
        }
    }
}

/// The session state a `GET` on the upload URL (or a `202` to a range) returns.
#[derive(Deserialize, Default, Debug)]
#[serde(rename_all = "camelCase")]
struct SessionState {
    #[serde(default)]
    next_expected_ranges: Vec<String>,
}

impl SessionState {
    /// The first byte the session still expects (`"12345-"`, `"12345-23456"`).
    fn next_offset(&self) -> Option<u64> {
        let first = self.next_expected_ranges.first()?;
        first.split('-').next()?.trim().parse().ok()
    }
}

impl<T: Transport> Client<T> {
    /// Upload `source` to an upload session's `upload_url` (from `createUploadSession`) in
    /// ranges; the service's final answer (the `driveItem`, an attachment) as `R`. The
    /// upload URL is pre-authenticated: it never gets the client's token. A range that
    /// fails (after the client's retries) is resumed from the session's
    /// `nextExpectedRanges`, at most `max_resumes` times in a row.
    pub async fn upload_session<R: DeserializeOwned>(
        &self,
        upload_url: &str,
        mut source: impl UploadSource,
        options: &UploadOptions,
    ) -> Result<R, Error> {
        let size = options.range_size;
        if size == 0 || !size.is_multiple_of(RANGE_UNIT) || size > MAX_RANGE {
            return Err(Error::Upload(format!(
                "range size {size} is not a multiple of 320 KiB up to 60 MiB"
            )));
        }
        let total = source.len();
        let mut offset = 0u64;
        let mut resumes = 0;
        loop {
            let len = (total - offset.min(total)).min(size as u64) as usize;
            let bytes = source.read_range(offset, len).await?;
            if bytes.len() != len || len == 0 {
                return Err(Error::Upload(format!(
                    "the source gave {} bytes at {offset} where {len} were expected",
                    bytes.len()
                )));
            }
            let end = offset + len as u64 - 1;
            let mut request = http::Request::put(upload_url)
                .header("content-range", format!("bytes {offset}-{end}/{total}"))
                .header(http::header::CONTENT_LENGTH, len)
                .body(bytes)
                .map_err(|e| Error::Request(e.to_string()))?;
            request.extensions_mut().insert(NoToken);
            let answer = self.execute(request, true).await;
            let failed = match answer {
                Ok(response) => {
                    let (head, body) = response.into_parts();
                    let body = body.collect().await?;
                    match head.status.as_u16() {
                        200 | 201 => return Ok(serde_json::from_slice(&body)?),
                        202 => {
                            let state: SessionState =
                                serde_json::from_slice(&body).unwrap_or_default();
                            offset = state.next_offset().unwrap_or(end + 1);
                            resumes = 0;
                            continue;
                        }
                        // A range the session did not expect, or a server error after the
                        // retries: ask the session where it stands.
                        416 | 500..=599 => {
                            crate::error::error_for(head.status.as_u16(), head.headers, &body)
                        }
                        status => return Err(crate::error::error_for(status, head.headers, &body)),
                    }
                }
                Err(e @ (Error::Transport(_) | Error::Timeout { .. })) => e,
                Err(e) => return Err(e),
            };
            resumes += 1;
            if resumes > options.max_resumes {
                return Err(failed);
            }
            offset = self.session_offset(upload_url).await?;
            if offset >= total {
                return Err(Error::Upload(format!(
                    "the session expects byte {offset} of {total}"
                )));
            }
        }
    }

    /// Where an upload session stands: the first byte it still expects.
    async fn session_offset(&self, upload_url: &str) -> Result<u64, Error> {
        let mut request = http::Request::get(upload_url)
            .body(Vec::new())
            .map_err(|e| Error::Request(e.to_string()))?;
        request.extensions_mut().insert(NoToken);
        let (head, body) = self.execute(request, true).await?.into_parts();
        let response = http::Response::from_parts(head, body.collect().await?);
        let state = Json::<SessionState>::read(response)?;
        state
            .next_offset()
            .ok_or_else(|| Error::Upload("the session expects no more ranges".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_offset_is_the_start_of_the_first_expected_range() {
        let state = |ranges: &[&str]| SessionState {
            next_expected_ranges: ranges.iter().map(|r| r.to_string()).collect(),
        };
        assert_eq!(state(&["327680-"]).next_offset(), Some(327_680));
        assert_eq!(state(&["12-55", "77-"]).next_offset(), Some(12));
        assert_eq!(state(&[]).next_offset(), None);
        assert_eq!(state(&["x-"]).next_offset(), None);
    }

    #[tokio::test]
    async fn ranges_are_read_from_memory_and_files() {
        let mut data: Vec<u8> = (0..=255).collect();
        assert_eq!(
            data.read_range(250, 10).await.unwrap(),
            [250, 251, 252, 253, 254, 255]
        );
        let path = std::env::temp_dir().join(format!("doc2rs-upload-{}", std::process::id()));
        std::fs::write(&path, &data).unwrap();
        let mut file = std::fs::File::open(&path).unwrap();
        assert_eq!(UploadSource::len(&file), 256);
        assert_eq!(file.read_range(1, 3).await.unwrap(), [1, 2, 3]);
        std::fs::remove_file(&path).unwrap();
    }
}
