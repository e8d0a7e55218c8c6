//! A Trend as a Prometheus native (sparse, exponential) histogram, with the layout
//! Prometheus' Go client gives the extension k6 bundles: bucket factor 1.1, hence schema 3
//! (eight buckets per power of two, upper bounds inclusive), the default zero threshold
//! 2^-128, no bucket limit, integer counts, spans that swallow gaps of up to two buckets.

use std::collections::BTreeMap;

use super::prompb::{histogram, BucketSpan, Histogram};

/// The schema the Go client picks for a bucket factor of 1.1.
pub const SCHEMA: i32 = 3;
/// The Go client's default zero-bucket width (2^-128).
pub const ZERO_THRESHOLD: f64 = 2.938_735_877_055_719e-39;

/// The upper bounds of the schema-3 buckets within one power of two, as fractions in
/// [0.5, 1): 2^(i/8) / 2.
const BOUNDS: [f64; 8] = [
    0.5,
    0.545_253_866_332_628_8,
    0.594_603_557_501_360_5,
    0.648_419_777_325_504_8,
    std::f64::consts::FRAC_1_SQRT_2,
    0.771_105_412_703_970_4,
    0.840_896_415_253_714_4,
    0.917_004_043_204_671_1,
];

/// Observations of one series, in buckets.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NativeHistogram {
    count: u64,
    sum: f64,
    zero_count: u64,
    positive: BTreeMap<i32, u64>,
    negative: BTreeMap<i32, u64>,
}

/// `v = frac * 2^exp` with `frac` in [0.5, 1), for finite normal `v > 0` (Go's
/// `math.Frexp`; values below the zero threshold never get here).
fn frexp(v: f64) -> (f64, i32) {
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32 - 1022;
    let frac = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52));
    (frac, exp)
}

/// The index of the bucket holding `v > 0`: bucket `k` holds (2^((k-1)/8), 2^(k/8)].
fn bucket_key(v: f64) -> i32 {
    if !v.is_finite() {
        return i32::MAX;
    }
    let (frac, exp) = frexp(v);
    let idx = BOUNDS.partition_point(|&b| b < frac) as i32;
    idx + (exp - 1) * BOUNDS.len() as i32
}

/// Spans and count deltas of one side's buckets, gaps of up to two buckets kept inside a
/// span as empty buckets (as the Go client lays them out).
fn spans_and_deltas(buckets: &BTreeMap<i32, u64>) -> (Vec<BucketSpan>, Vec<i64>) {
    let mut spans: Vec<BucketSpan> = Vec::new();
    let mut deltas = Vec::new();
    let mut previous = 0i64;
    let mut next_key = 0i32;
    for (n, (&key, &count)) in buckets.iter().enumerate() {
        let gap = key.saturating_sub(next_key);
        match spans.last_mut() {
            Some(span) if n > 0 && gap <= 2 => {
                for _ in 0..gap {
                    span.length += 1;
                    deltas.push(-previous);
                    previous = 0;
                }
            }
            _ => spans.push(BucketSpan {
                offset: gap,
                length: 0,
            }),
        }
        if let Some(span) = spans.last_mut() {
            span.length += 1;
        }
        let count = count as i64;
        deltas.push(count - previous);
        previous = count;
        next_key = key.saturating_add(1);
    }
    (spans, deltas)
}

impl NativeHistogram {
    pub fn observe(&mut self, v: f64) {
        self.count += 1;
        self.sum += v;
        if v > ZERO_THRESHOLD {
            *self.positive.entry(bucket_key(v)).or_default() += 1;
        } else if v < -ZERO_THRESHOLD {
            *self.negative.entry(bucket_key(-v)).or_default() += 1;
        } else {
            self.zero_count += 1;
        }
    }

    /// The remote-write message of the histogram so far, at `timestamp` (ms).
    pub fn to_proto(&self, timestamp: i64) -> Histogram {
        let (positive_spans, positive_deltas) = spans_and_deltas(&self.positive);
        let (negative_spans, negative_deltas) = spans_and_deltas(&self.negative);
        Histogram {
            count: Some(histogram::Count::CountInt(self.count)),
            sum: self.sum,
            schema: SCHEMA,
            zero_threshold: ZERO_THRESHOLD,
            zero_count: Some(histogram::ZeroCount::ZeroCountInt(self.zero_count)),
            negative_spans,
            negative_deltas,
            positive_spans,
            positive_deltas,
            timestamp,
            ..Histogram::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_have_inclusive_upper_bounds_at_powers_of_two() {
        assert_eq!(bucket_key(1.0), 0);
        assert_eq!(bucket_key(2.0), 8);
        assert_eq!(bucket_key(2.0001), 9);
        assert_eq!(bucket_key(0.5), -8);
        assert_eq!(bucket_key(1.05), 1);
        // 2^(1/8) = 1.0905…: the top of bucket 1.
        assert_eq!(bucket_key(1.09), 1);
        assert_eq!(bucket_key(1.091), 2);
    }

    #[test]
    fn small_gaps_stay_inside_a_span_and_large_ones_open_a_new_one() {
        let buckets: BTreeMap<i32, u64> = [(3, 2), (5, 1), (10, 4)].into_iter().collect();
        let (spans, deltas) = spans_and_deltas(&buckets);
        assert_eq!(
            spans,
            vec![
                BucketSpan {
                    offset: 3,
                    length: 3
                },
                BucketSpan {
                    offset: 4,
                    length: 1
                }
            ]
        );
        assert_eq!(deltas, vec![2, -2, 1, 3]);
    }

    #[test]
    fn zero_and_negative_values_land_in_their_own_buckets() {
        let mut h = NativeHistogram::default();
        for v in [0.0, -1.0, 0.25, 0.25] {
            h.observe(v);
        }
        let p = h.to_proto(7);
        assert_eq!(p.count, Some(histogram::Count::CountInt(4)));
        assert_eq!(p.zero_count, Some(histogram::ZeroCount::ZeroCountInt(1)));
        assert_eq!(p.negative_deltas, vec![1]);
        assert_eq!(p.positive_deltas, vec![2]);
        assert_eq!(p.positive_spans[0].offset, -16);
        assert_eq!((p.sum, p.timestamp, p.schema), (-0.5, 7, 3));
    }
}
