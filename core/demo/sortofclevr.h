#pragma once
// Sort-of-CLEVR demo data (Santoro et al. 2017, "A simple neural network module
// for relational reasoning"), made on the spot so that users and tests always
// have data: six objects, one per colour, each a square or a circle, on a white
// background, with questions, answers and templated captions.
//
// Everything is a pure function of (options, image index): the same options give
// byte-identical PNGs and identical text whatever the thread count.
//
// Geometry. Centres are integer pixel indices (x right, y down); a square is
// objectSize pixels wide, a circle objectSize pixels across (objectSize is odd,
// so both are symmetric about their centre pixel). Centres are at least
// 1.5 × objectSize apart, so objects never overlap.
//
// Questions (questionType → answers, answerType):
//   non-relational, about one object:
//     "shape"    What shape is the red object?                       square / circle, other
//     "left"     Is the red object on the left?   (x < imageSize/2)  yes / no, yes/no
//     "top"      Is the red object on the top?    (y < imageSize/2)  yes / no, yes/no
//   relational, about the object's relation to the others:
//     "closest"  What shape is the object closest to the red object?       square / circle, other
//     "furthest" What shape is the object furthest from the red object?    square / circle, other
//     "count"    How many objects have the same shape as the red object?   1..6 (itself included), number
// Closest and furthest are never ambiguous: scenes where the two nearest (or
// two furthest) objects are within a pixel of a tie are drawn again.
//
// Captions (3–5 per image, each true of the scene):
//   "a red circle is to the left of a blue square" / "the blue square is to the right of the red circle"
//        (centres at least objectSize apart horizontally)
//   "the green square is above the yellow circle" / "… is below …" (the same, vertically)
//   "there are four circles and two squares" / "all six objects are circles"
//   "the orange circle is in the top left corner" (centre in the outer third on both axes)
//   "the leftmost object is the gray square" (also rightmost, topmost, bottommost; the
//        runner-up is at least objectSize/2 further in)
//   "the object closest to the red circle is the blue square"
//   "six shapes on a white background: a red circle, a green square, …"
#include "data/dataset.h"
#include "util/expected.h"
#include "util/progress.h"

#include <QByteArray>
#include <QString>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace tandem {

// The colours' RGB values: Tandem's muted ones, drawn antialiased; or the pure
// ones of the relational-networks generator (red 255,0,0; orange 255,156,0; ...),
// drawn with hard edges as it draws them.
enum class DemoPalette { Muted, Pure };
// The question templates: Tandem's ("What shape is the red object?") or
// another generator's ("What is the shape of the red object?", "... on the
// left side of the image?", "... nearest to ...", "... farthest from ...").
enum class DemoWording { Standard, Alternate };

struct DemoOptions {
    int images = 500;
    int imageSize = 128;          // square images, 32..4096 pixels
    int questionsPerImage = 20;   // half non-relational, half relational
    quint64 seed = 1;
    double valFraction = 0.1;
    double testFraction = 0.1;
    int objectSize = 0;           // pixels across (made odd: centred on a pixel); 0: about imageSize / 7
    DemoPalette palette = DemoPalette::Muted;
    DemoWording wording = DemoWording::Standard;
};

enum class DemoShape { Square, Circle };

constexpr int kDemoColors = 6; // red, green, blue, orange, gray, yellow

struct DemoObject {
    int color = 0; // 0..5, see demoColorName()
    DemoShape shape = DemoShape::Square;
    int x = 0;     // centre, pixel index from the left
    int y = 0;     // centre, pixel index from the top
};

struct DemoScene {
    int imageSize = 0;
    int objectSize = 0;               // odd, in pixels
    DemoPalette palette = DemoPalette::Muted;
    std::vector<DemoObject> objects;  // objects[c].color == c
};

struct DemoQuestion {
    int subject = 0;          // colour the question is about
    std::string type;         // shape / left / top / closest / furthest / count
    std::string text;
    std::string answer;
    std::string answerType;   // other / yes/no / number
};

struct DemoSample {
    DemoScene scene;
    std::vector<DemoQuestion> questions;
    std::vector<std::string> captions;
};

const char *demoColorName(int color);        // "red", "green", …
std::array<std::uint8_t, 3> demoColorRgb(int color, DemoPalette palette = DemoPalette::Muted);
// "muted" / "pure", "standard" / "alternate"; and back (false for an unknown name).
const char *demoPaletteName(DemoPalette palette);
const char *demoWordingName(DemoWording wording);
bool parseDemoPalette(const QString &name, DemoPalette &palette);
bool parseDemoWording(const QString &name, DemoWording &wording);
const char *demoShapeName(DemoShape shape);  // "square" / "circle"
// True for closest, furthest and count: the questions that need more than one object.
bool isRelational(const std::string &questionType);

// Usage error for sizes, counts or fractions out of range.
Status validateDemoOptions(const DemoOptions &options);

// Scene, questions and captions of image `index`, without touching the disk.
DemoSample generateDemoSample(const DemoOptions &options, int index);

// train / val / test for every image: exactly round(images × fraction) val and
// test images, picked by a permutation seeded from options.seed.
std::vector<std::string> assignDemoSplits(const DemoOptions &options);

// "scene_000123.png": the image's name relative to the output folder.
QString demoImageName(int index);

// The scene as imageSize × imageSize × 3 bytes, RGB, row-major.
std::vector<std::uint8_t> renderDemoScene(const DemoScene &scene);
// The scene as a PNG file's bytes (fast compression); empty if OpenCV fails.
QByteArray encodeDemoPng(const DemoScene &scene);

// Writes options.images PNGs into outputFolder (created if needed), rendering
// and encoding in parallel, and returns the dataset with names relative to
// outputFolder and one region per object (its box, label "red square"). On cancel or a write error the PNGs written so far are removed.
Expected<Dataset> generateDemo(const DemoOptions &options, const QString &outputFolder,
                               const Progress &progress = {});

} // namespace tandem
