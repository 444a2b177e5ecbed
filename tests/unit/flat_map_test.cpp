// SPDX-License-Identifier: GPL-2.0-or-later
// FlatMap (src/core/flat_map.hpp): against std::map under random inserts and erases, including
// keys that all land in one probe chain.
#include "core/flat_map.hpp"

#include <doctest/doctest.h>

#include <map>
#include <random>

using namespace banjo;

namespace {
struct WeakHash {   // few distinct hashes: long probe chains and wrap-around at the index's end
    std::size_t operator()(std::uint32_t k) const noexcept { return (k % 7) * 0x9e3779b97f4a7c15ULL + 13; }
};
struct GoodHash {
    std::size_t operator()(std::uint32_t k) const noexcept { return (k + 1) * 0x9e3779b97f4a7c15ULL; }
};

template <class Hash>
void check_against_map(unsigned keys, unsigned steps) {
    FlatMap<std::uint32_t, std::uint64_t, Hash> flat;
    std::map<std::uint32_t, std::uint64_t> model;
    std::mt19937 rng(42);
    for (unsigned i = 0; i < steps; ++i) {
        const std::uint32_t k = rng() % keys;
        if (rng() % 3 == 0) {
            CHECK(flat.erase(k) == (model.erase(k) == 1));
        } else {
            flat[k] += i;
            model[k] += i;
        }
        REQUIRE(flat.size() == model.size());
    }
    for (const auto& [k, v] : model) {
        const std::uint64_t* got = flat.get(k);
        REQUIRE(got);
        CHECK(*got == v);
    }
    for (std::uint32_t k = keys; k < keys + 100; ++k) CHECK_FALSE(flat.get(k));
}
}  // namespace

TEST_CASE("a flat map holds what a std::map holds through inserts and erases") {
    check_against_map<GoodHash>(5000, 40000);
}

TEST_CASE("a flat map finds every key when many keys share a hash") {
    check_against_map<WeakHash>(300, 5000);
}

TEST_CASE("erase_if removes exactly the matching entries and keeps the rest findable") {
    FlatMap<std::uint32_t, std::uint32_t, GoodHash> flat;
    for (std::uint32_t k = 0; k < 1000; ++k) flat[k] = k;
    CHECK(flat.erase_if([](const auto& e) { return e.key % 3 == 0; }) == 334);
    CHECK(flat.size() == 666);
    for (std::uint32_t k = 0; k < 1000; ++k) CHECK((flat.get(k) != nullptr) == (k % 3 != 0));
    flat.shrink_to_fit();
    for (std::uint32_t k = 0; k < 1000; ++k) CHECK((flat.get(k) != nullptr) == (k % 3 != 0));
}

TEST_CASE("erase_at names the entry that moved into the freed position") {
    FlatMap<std::uint32_t, std::uint32_t, GoodHash> flat;
    for (std::uint32_t k = 0; k < 4; ++k) flat[k] = k * 10;
    const std::size_t pos = flat.find(1);
    const std::size_t moved = flat.erase_at(pos);
    REQUIRE(moved == 3);
    CHECK(flat.at(pos).key == 3);
    CHECK(flat.find(3) == pos);
    CHECK(flat.erase_at(flat.find(2)) == FlatMap<std::uint32_t, std::uint32_t, GoodHash>::npos);   // was last
}

TEST_CASE("a capacity limit keeps the entry array at the limit") {
    FlatMap<std::uint32_t, std::uint32_t, GoodHash> flat;
    flat.set_capacity_limit(1000);
    for (std::uint32_t k = 0; k < 1000; ++k) flat[k] = k;
    CHECK(flat.bytes() <= decltype(flat)::bytes_for(1000));
}
