//! Execution segments (`--execution-segment`, `--execution-segment-sequence`): the share of
//! a test one instance runs, with k6's striping so that N instances together run exactly
//! the whole test — every VU count, iteration count and arrival-rate iteration lands in
//! exactly one segment.

mod k6_rules;

use std::fmt;

/// Why segment options are refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SegmentError {
    /// A segment or sequence text k6 cannot decode (k6 refuses it while loading options).
    #[error("{0}")]
    Text(String),
    /// The segment is not one of the sequence's (one of k6's configuration problems).
    #[error("{0}")]
    NotInSequence(String),
}

/// A rational number in lowest terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rat {
    pub num: u64,
    pub den: u64,
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

fn lcm(a: u64, b: u64) -> u64 {
    a / gcd(a, b).max(1) * b
}

impl Rat {
    fn new(num: u64, den: u64) -> Rat {
        let g = gcd(num, den).max(1);
        Rat {
            num: num / g,
            den: (den / g).max(1),
        }
    }

    /// `50%`, `0.5` or `1/2`.
    pub fn parse(s: &str) -> Result<Rat, String> {
        let s = s.trim();
        let bad = || format!("invalid execution segment value '{s}'");
        if let Some(p) = s.strip_suffix('%') {
            let r = Rat::parse(p)?;
            return Ok(Rat::new(r.num, r.den * 100));
        }
        if s.contains(['e', 'E']) {
            // Exponents (`1e-3`), which k6's big.Rat takes: already range-checked.
            let (num, den) = k6_rules::parts(s).ok_or_else(bad)?;
            let (num, den) = (u64::try_from(num), u64::try_from(den));
            return match (num, den) {
                (Ok(n), Ok(d)) if d > 0 => Ok(Rat::new(n, d)),
                _ => Err(bad()),
            };
        }
        if let Some((a, b)) = s.split_once('/') {
            let (a, b): (u64, u64) = (
                a.trim().parse().map_err(|_| bad())?,
                b.trim().parse().map_err(|_| bad())?,
            );
            if b == 0 {
                return Err(bad());
            }
            return Ok(Rat::new(a, b));
        }
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        let den = 10u64.checked_pow(frac.len() as u32).ok_or_else(bad)?;
        let int: u64 = if int.is_empty() {
            0
        } else {
            int.parse().map_err(|_| bad())?
        };
        let frac: u64 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| bad())?
        };
        Ok(Rat::new(int * den + frac, den))
    }

    fn lt(self, o: Rat) -> bool {
        (self.num as u128) * (o.den as u128) < (o.num as u128) * (self.den as u128)
    }

    pub fn value(self) -> f64 {
        self.num as f64 / self.den as f64
    }
}

impl fmt::Display for Rat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.den == 1 {
            write!(f, "{}", self.num)
        } else {
            write!(f, "{}/{}", self.num, self.den)
        }
    }
}

/// This instance's stripe: which of every `lcd` consecutive units it takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stripe {
    pub lcd: u64,
    pub offsets: Vec<u64>,
}

impl Stripe {
    /// The whole test (no segmentation).
    pub fn whole() -> Stripe {
        Stripe {
            lcd: 1,
            offsets: vec![0],
        }
    }

    /// This instance's part of `value` (VUs, iterations); the parts of all segments of
    /// the sequence add up to `value`.
    pub fn scale(&self, value: u64) -> u64 {
        let full = value / self.lcd * self.offsets.len() as u64;
        full + self
            .offsets
            .iter()
            .filter(|o| **o < value % self.lcd)
            .count() as u64
    }

    /// How many of units `from..to` (e.g. arrival-rate iterations) are this instance's.
    pub fn count_in(&self, from: u64, to: u64) -> u64 {
        self.scale(to) - self.scale(from)
    }

    /// The stripe of segment `index` of `points` (0 = p0 < ... < pn = 1).
    fn of(points: &[Rat], index: usize) -> Stripe {
        let lcd = points.iter().map(|p| p.den).fold(1, lcm);
        let lens: Vec<u64> = points
            .windows(2)
            .map(|w| w[1].num * (lcd / w[1].den) - w[0].num * (lcd / w[0].den))
            .collect();
        let mut order: Vec<usize> = (0..lens.len()).collect();
        order.sort_by(|a, b| lens[*b].cmp(&lens[*a]));
        let mut chosen = vec![0u64; lens.len()];
        let mut offsets = Vec::new();
        for i in 0..lcd {
            // The first segment (largest first) whose share so far does not exceed i.
            let pick = order.iter().copied().find(|&j| {
                lens[j] > 0
                    && (chosen[j] as u128) * (lcd as u128) <= (i as u128) * (lens[j] as u128)
            });
            if let Some(j) = pick {
                chosen[j] += 1;
                if j == index {
                    offsets.push(i);
                }
            }
        }
        Stripe { lcd, offsets }
    }
}

/// A parsed `--execution-segment` within its sequence.
#[derive(Debug, Clone)]
pub struct Segment {
    pub from: Rat,
    pub to: Rat,
    points: Vec<Rat>,
    index: usize,
}

impl Segment {
    /// From the two flags (either may be empty).
    pub fn parse(
        segment: Option<&str>,
        sequence: Option<&str>,
    ) -> Result<Option<Segment>, SegmentError> {
        // k6 decodes both texts (and refuses them with its words) before pairing them.
        k6_rules::check_segment_text(segment.unwrap_or_default()).map_err(SegmentError::Text)?;
        k6_rules::check_sequence_text(sequence.unwrap_or_default()).map_err(SegmentError::Text)?;
        Self::pair(segment, sequence)
    }

    /// The segment within its sequence: the stripes' boundaries and its place among them.
    fn pair(
        segment: Option<&str>,
        sequence: Option<&str>,
    ) -> Result<Option<Segment>, SegmentError> {
        let rat = |t: &str| Rat::parse(t).map_err(SegmentError::Text);
        let Some(seg) = segment.map(str::trim).filter(|s| !s.is_empty()) else {
            return Ok(None);
        };
        let (from, to) = match seg.split_once(':') {
            Some((a, b)) => (rat(a)?, rat(b)?),
            None => (Rat::new(0, 1), rat(seg)?),
        };
        if Rat::new(1, 1).lt(to) {
            return Err(SegmentError::Text(format!(
                "segment end value can't be more than 1 but was {to}"
            )));
        }
        if !from.lt(to) {
            return Err(SegmentError::Text(format!(
                "segment start({from}) must be less than its end({to})"
            )));
        }
        let mut points = match sequence.map(str::trim).filter(|s| !s.is_empty()) {
            Some(list) => list.split(',').map(rat).collect::<Result<Vec<_>, _>>()?,
            None => vec![from, to],
        };
        points.sort_by(|a, b| {
            if a.lt(*b) {
                std::cmp::Ordering::Less
            } else if b.lt(*a) {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        });
        points.dedup();
        if points.first() != Some(&Rat::new(0, 1)) {
            points.insert(0, Rat::new(0, 1));
        }
        if points.last() != Some(&Rat::new(1, 1)) {
            points.push(Rat::new(1, 1));
        }
        let Some(index) = points.windows(2).position(|w| w[0] == from && w[1] == to) else {
            return Err(SegmentError::NotInSequence(format!(
                "provided segment {from}:{to} can't be found in sequence {}",
                sequence.unwrap_or("")
            )));
        };
        Ok(Some(Segment {
            from,
            to,
            points,
            index,
        }))
    }

    /// `from:to` in lowest terms (`1/3:2/3`).
    pub fn text(&self) -> String {
        format!("{}:{}", self.from, self.to)
    }

    /// The sequence's boundaries, comma separated (`0,1/3,2/3,1`).
    pub fn sequence_text(&self) -> String {
        let points: Vec<String> = self.points.iter().map(ToString::to_string).collect();
        points.join(",")
    }

    /// Share of the whole test, in percent (for the header).
    pub fn percent(&self) -> f64 {
        (self.to.value() - self.from.value()) * 100.0
    }

    pub fn stripe(&self) -> Stripe {
        Stripe::of(&self.points, self.index)
    }

    /// For `shared-iterations`: iterations go in proportion to each segment's VUs, so
    /// the stripe is re-derived from how `vus` splits over the whole sequence.
    pub fn stripe_by_vus(&self, vus: u64) -> Stripe {
        if vus == 0 {
            return self.stripe();
        }
        let mut acc = 0u64;
        let mut points = vec![Rat::new(0, 1)];
        for j in 0..self.points.len() - 1 {
            acc += Stripe::of(&self.points, j).scale(vus);
            points.push(Rat::new(acc, vus));
        }
        points.dedup();
        // Segments with no VUs collapse; find ours by its cumulative end.
        let ours = Stripe::of(&self.points, self.index).scale(vus);
        if ours == 0 {
            return Stripe {
                lcd: 1,
                offsets: Vec::new(),
            };
        }
        let end: u64 = (0..=self.index)
            .map(|j| Stripe::of(&self.points, j).scale(vus))
            .sum();
        let idx = points
            .iter()
            .position(|p| *p == Rat::new(end, vus))
            .unwrap_or(1)
            - 1;
        Stripe::of(&points, idx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(s: &str, seq: &str) -> Segment {
        Segment::parse(Some(s), Some(seq)).unwrap().unwrap()
    }

    #[test]
    fn thirds_split_vus_and_iterations_like_k6() {
        let seq = "0,1/3,2/3,1";
        let parts: Vec<(u64, u64)> = ["0:1/3", "1/3:2/3", "2/3:1"]
            .iter()
            .map(|s| {
                let g = seg(s, seq);
                (g.stripe().scale(10), g.stripe_by_vus(10).scale(100))
            })
            .collect();
        assert_eq!(parts, vec![(4, 40), (3, 30), (3, 30)]);
    }

    #[test]
    fn segments_add_up_and_take_every_unit_once() {
        let seq = "0,1/4,1/2,1";
        let segs = [seg("0:1/4", seq), seg("1/4:1/2", seq), seg("1/2:1", seq)];
        for v in [0u64, 1, 7, 13, 100, 1001] {
            assert_eq!(
                segs.iter().map(|s| s.stripe().scale(v)).sum::<u64>(),
                v,
                "{v}"
            );
        }
        for i in 0..40u64 {
            assert_eq!(
                segs.iter()
                    .map(|s| s.stripe().count_in(i, i + 1))
                    .sum::<u64>(),
                1,
                "{i}"
            );
        }
    }

    #[test]
    fn values_parse_and_bad_segments_are_rejected() {
        assert_eq!(Rat::parse("50%").unwrap(), Rat::new(1, 2));
        assert_eq!(Rat::parse("0.25").unwrap(), Rat::new(1, 4));
        let half = Segment::parse(Some("50%"), None).unwrap().unwrap();
        assert_eq!(half.stripe().scale(10), 5);
        assert!((half.percent() - 50.0).abs() < 1e-9);
        assert!(Segment::parse(Some("1/2:1/3"), None).is_err());
        assert!(Segment::parse(Some("0:2"), None).is_err());
        assert!(Segment::parse(Some("0:1/5"), Some("0,1/3,1")).is_err());
        assert!(Segment::parse(None, None).unwrap().is_none());
    }
}
