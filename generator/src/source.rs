//! Byte offsets to 1-based line and column (columns count characters).

use crate::diag::Loc;

/// Line-start table for one source text.
#[derive(Debug, Clone)]
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// 1-based (line, column) of a byte offset; offsets past the end clamp to the end.
    pub fn line_col(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let mut end = offset;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let col = text[start..end].chars().count() + 1;
        (line as u32 + 1, col as u32)
    }
}

/// A source text with its file name, able to turn offsets into [`Loc`]s.
pub(crate) struct Source<'a> {
    pub file: &'a str,
    pub text: &'a str,
    index: LineIndex,
}

impl<'a> Source<'a> {
    pub fn new(file: &'a str, text: &'a str) -> Self {
        Source {
            file,
            text,
            index: LineIndex::new(text),
        }
    }

    pub fn loc(&self, offset: usize) -> Loc {
        let (line, col) = self.index.line_col(self.text, offset);
        Loc {
            file: self.file.to_string(),
            line,
            col,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_lines_and_char_columns() {
        let text = "ab\nçd\n\nx";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), (1, 1));
        assert_eq!(idx.line_col(text, 2), (1, 3));
        assert_eq!(idx.line_col(text, 3), (2, 1));
        // 'ç' is two bytes; 'd' is the second character.
        assert_eq!(idx.line_col(text, 5), (2, 2));
        assert_eq!(idx.line_col(text, 7), (3, 1));
        assert_eq!(idx.line_col(text, 8), (4, 1));
        assert_eq!(idx.line_col(text, 99), (4, 2));
    }
}
