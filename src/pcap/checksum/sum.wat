;; The Internet checksum (RFC 1071) for `pcap analyze`: the sum of the big-endian 16-bit words
;; of the bytes at [p, p + n), any alignment, any length (a last odd byte is padded with zero),
;; folded to 16 bits with end-around carries.
;;
;; The bytes are loaded as little-endian words: each 16-bit pair then reads byte-swapped, and
;; the one's-complement sum of swapped words is the swapped sum (RFC 1071, 2.B), so the result
;; is swapped once at the end. Four 16-byte vectors per turn, each widened to two 64-bit lanes
;; and added: no lane can overflow (a lane gains < 2^33 per turn), whatever the length. Folding
;; 64 -> 32 -> 16 bits keeps the sum modulo 0xffff (0xffff divides 0xffffffff), as
;; one's-complement addition does. Unaligned loads are fine on x86-64 and arm64.
;;
;; Built into sum-wasm.ts by `npm run wasm` (scripts/build-wasm.mjs); a test checks it is fresh.
(module
  (import "env" "mem" (memory 0))
  (func (export "sum16") (param $p i32) (param $n i32) (result i32)
    (local $end i32) (local $v v128) (local $a v128) (local $b v128) (local $s i64)
    (local.set $end (i32.add (local.get $p) (local.get $n)))
    (block $done64
      (loop $by64
        (br_if $done64 (i32.gt_u (i32.add (local.get $p) (i32.const 64)) (local.get $end)))
        (local.set $v (v128.load offset=0 align=1 (local.get $p)))
        (local.set $a (i64x2.add (local.get $a) (i64x2.extend_low_i32x4_u (local.get $v))))
        (local.set $b (i64x2.add (local.get $b) (i64x2.extend_high_i32x4_u (local.get $v))))
        (local.set $v (v128.load offset=16 align=1 (local.get $p)))
        (local.set $a (i64x2.add (local.get $a) (i64x2.extend_low_i32x4_u (local.get $v))))
        (local.set $b (i64x2.add (local.get $b) (i64x2.extend_high_i32x4_u (local.get $v))))
        (local.set $v (v128.load offset=32 align=1 (local.get $p)))
        (local.set $a (i64x2.add (local.get $a) (i64x2.extend_low_i32x4_u (local.get $v))))
        (local.set $b (i64x2.add (local.get $b) (i64x2.extend_high_i32x4_u (local.get $v))))
        (local.set $v (v128.load offset=48 align=1 (local.get $p)))
        (local.set $a (i64x2.add (local.get $a) (i64x2.extend_low_i32x4_u (local.get $v))))
        (local.set $b (i64x2.add (local.get $b) (i64x2.extend_high_i32x4_u (local.get $v))))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (br $by64)))
    (block $done16
      (loop $by16
        (br_if $done16 (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
        (local.set $v (v128.load align=1 (local.get $p)))
        (local.set $a (i64x2.add (local.get $a) (i64x2.extend_low_i32x4_u (local.get $v))))
        (local.set $b (i64x2.add (local.get $b) (i64x2.extend_high_i32x4_u (local.get $v))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $by16)))
    (local.set $a (i64x2.add (local.get $a) (local.get $b)))
    (local.set $s (i64.add (i64x2.extract_lane 0 (local.get $a)) (i64x2.extract_lane 1 (local.get $a))))
    (block $done4
      (loop $by4
        (br_if $done4 (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $end)))
        (local.set $s (i64.add (local.get $s) (i64.load32_u align=1 (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $by4)))
    ;; Up to 3 bytes left: a pair, then an odd last byte (the high half of its big-endian word,
    ;; so the low half of the swapped one).
    (if (i32.le_u (i32.add (local.get $p) (i32.const 2)) (local.get $end))
      (then
        (local.set $s (i64.add (local.get $s) (i64.load16_u align=1 (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 2)))))
    (if (i32.lt_u (local.get $p) (local.get $end))
      (then (local.set $s (i64.add (local.get $s) (i64.load8_u (local.get $p))))))
    ;; 64 -> 32 bits (three times: each may carry once more), then 32 -> 16 bits (three times).
    (local.set $s (i64.add (i64.and (local.get $s) (i64.const 0xffffffff)) (i64.shr_u (local.get $s) (i64.const 32))))
    (local.set $s (i64.add (i64.and (local.get $s) (i64.const 0xffffffff)) (i64.shr_u (local.get $s) (i64.const 32))))
    (local.set $s (i64.add (i64.and (local.get $s) (i64.const 0xffffffff)) (i64.shr_u (local.get $s) (i64.const 32))))
    (local.set $s (i64.add (i64.and (local.get $s) (i64.const 0xffff)) (i64.shr_u (local.get $s) (i64.const 16))))
    (local.set $s (i64.add (i64.and (local.get $s) (i64.const 0xffff)) (i64.shr_u (local.get $s) (i64.const 16))))
    (local.set $s (i64.add (i64.and (local.get $s) (i64.const 0xffff)) (i64.shr_u (local.get $s) (i64.const 16))))
    ;; Back to network order.
    (i32.or
      (i32.shl (i32.and (i32.wrap_i64 (local.get $s)) (i32.const 0xff)) (i32.const 8))
      (i32.shr_u (i32.wrap_i64 (local.get $s)) (i32.const 8)))))
