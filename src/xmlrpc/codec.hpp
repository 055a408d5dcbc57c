// XML-RPC on the wire: decode a <methodCall>, encode a <methodResponse> or a
// <fault>. Parsing and writing go through Boost.PropertyTree's XML parser
// (rapidxml, header-only, so the Windows build has it too); nothing here
// takes XML apart by hand. Pure functions of strings: no I/O, so a fuzz
// target is one call.
#pragma once

#include "xmlrpc/value.hpp"

#include <string>
#include <string_view>
#include <variant>

namespace warden::xmlrpc {

/// Deepest element nesting accepted (the parser recurses; a request that
/// nests deeper is refused before it is parsed).
inline constexpr int max_depth = 64;

/// Why a request body is not a method call (a sentence for the log and the
/// HTTP 400 body).
struct decode_error {
    std::string message;
};

/// Decode a request body. Strings are kept byte for byte; an element that
/// is not XML-RPC, or a value of an unknown type, is an error.
std::variant<method_call, decode_error> decode_call(std::string_view body);

/// `<methodResponse><params><param>VALUE</param></params></methodResponse>`.
std::string encode_response(value const& result);

/// `<methodResponse><fault>{faultCode, faultString}</fault></methodResponse>`.
std::string encode_fault(fault const& f);

/// A method call, as a client sends it (tests, tools).
std::string encode_call(method_call const& call);

/// Decode a <methodResponse> (tests, tools): the value, or the fault.
std::variant<value, fault, decode_error> decode_response(std::string_view body);

/// `text` made fit for an XML document: invalid UTF-8 becomes U+FFFD and
/// the control characters XML 1.0 cannot carry (all below 0x20 but tab,
/// newline and carriage return) become U+FFFD too, so a log with ANSI
/// colours still reaches the client.
std::string xml_safe(std::string_view text);

} // namespace warden::xmlrpc
