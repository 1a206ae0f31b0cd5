#pragma once
// Image names come from annotation files written by strangers: they may hold
// backslashes, "./", "../" or absolute paths. These helpers decide what may be
// read and make sure nothing is ever written outside an export folder.
#include <QString>
#include <string>
#include <string_view>

namespace tandem::paths {

// Backslashes to '/', "./" and repeated slashes removed. Keeps ".." and a
// leading '/' so that unsafe names stay recognisable.
std::string normalizeName(std::string_view name);

// True when the name is absolute (/x, C:/x, //host) or climbs out with "..".
bool isUnsafe(std::string_view normalizedName);

// A relative path that stays inside any folder it is joined to: drive letters
// and leading slashes dropped, "." and ".." components removed. Never empty.
QString sanitizedRelative(const QString &name);

// Joins a sanitized name to a folder and checks the result stays inside it.
QString insideFolder(const QString &folder, const QString &name);

} // namespace tandem::paths
