#pragma once
// Internals of the Sort-of-CLEVR generator shared by its source files: object
// placement, the spatial relations the questions and captions talk about, and
// the text makers.
#include "demorng.h"
#include "sortofclevr.h"

#include <string>
#include <vector>

namespace tandem::demodetail {

DemoScene placeObjects(const DemoOptions &options, DemoRng &rng);
// The object size a scene of these options has: odd, at least 3 pixels.
int objectSizeFor(const DemoOptions &options);

long long squaredDistance(const DemoObject &a, const DemoObject &b);
int closestTo(const DemoScene &scene, int color);    // index of the nearest other object
int furthestFrom(const DemoScene &scene, int color); // index of the furthest other object
int countSameShape(const DemoScene &scene, int color); // the object itself included
bool isOnLeft(const DemoScene &scene, const DemoObject &object);
bool isOnTop(const DemoScene &scene, const DemoObject &object);

std::string describe(const DemoObject &object);         // "red circle"
std::string withArticle(const std::string &nounPhrase); // "a red circle", "an orange square"

std::vector<DemoQuestion> makeQuestions(const DemoScene &scene, int count, DemoWording wording, DemoRng &rng);
std::vector<std::string> makeCaptions(const DemoScene &scene, DemoRng &rng);

} // namespace tandem::demodetail
