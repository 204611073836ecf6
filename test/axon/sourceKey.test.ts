import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sourceKey } from "../../offchain/axon/sourceKey.js";

describe("axon: the rate-limit key of a source address", () => {
  it("keys IPv6 by its /64, so a host cannot rotate through its prefix", () => {
    const a = sourceKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd");
    assert.equal(a, "2001:db8:1:2::/64");
    assert.equal(sourceKey("2001:0db8:0001:0002::1"), a, "another address of the same /64, written differently");
    assert.notEqual(sourceKey("2001:db8:1:3::1"), a, "the next /64 is another key");
    assert.equal(sourceKey("::1"), "0:0:0:0::/64");
  });

  it("keys IPv4 and IPv4-mapped IPv6 by the IPv4 address", () => {
    assert.equal(sourceKey("192.0.2.7"), "192.0.2.7");
    assert.equal(sourceKey("::ffff:192.0.2.7"), "192.0.2.7");
    assert.notEqual(sourceKey("192.0.2.8"), sourceKey("192.0.2.7"));
  });

  it("drops a port a forwarding proxy wrote after the address", () => {
    assert.equal(sourceKey("192.0.2.7:5678"), "192.0.2.7");
    assert.equal(sourceKey("[2001:db8:1:2::9]:443"), "2001:db8:1:2::/64");
    assert.equal(sourceKey("[::ffff:192.0.2.7]:80"), "192.0.2.7");
    assert.equal(sourceKey("not-an-ip:80"), "not-an-ip:80");
  });

  it("keeps anything it cannot parse as given", () => {
    assert.equal(sourceKey("not-an-ip"), "not-an-ip");
    assert.equal(sourceKey(""), "");
  });
});
