#include "cli.h"
#include "commands.h"

namespace tandem::cli {

const std::vector<Command> &commands()
{
    static const std::vector<Command> table = {
        {QStringLiteral("demo"), QStringLiteral("Create a project of generated Sort-of-CLEVR scenes."),
         QStringLiteral("Draws coloured squares and circles, asks relational and non-relational questions\n"
                        "about them and writes 3-5 captions per image. Seeded and deterministic."),
         declareDemo, runDemo},
        {QStringLiteral("import"), QStringLiteral("Import a dataset into a project (created if missing)."),
         QStringLiteral("Formats: coco, vqa, flickr, csv, jsonl, llava, folder (see 'tandem-cli formats').\n"
                        "The import is all or nothing: a malformed file changes nothing.\n"
                        "Images that are missing, empty, truncated or not images are flagged, not fatal."),
         declareImport, runImport},
        {QStringLiteral("export"), QStringLiteral("Export a project (or part of it) to a dataset format."),
         QStringLiteral("Nothing is ever written outside OUTPUT."), declareExport, runExport},
        {QStringLiteral("info"), QStringLiteral("Show counts, splits, review statuses and flagged images."),
         QString(), declareInfo, runInfo},
        {QStringLiteral("search"), QStringLiteral("Full-text search over captions, questions and answers."),
         QStringLiteral("Words must all match; \"a phrase\", prefix*, OR and NOT work as in SQLite FTS5."),
         declareSearch, runSearch},
        {QStringLiteral("eval"), QStringLiteral("Score caption or VQA results (a file, or a stored run) against the project."),
         QStringLiteral("Results as for the COCO caption and VQA evaluation tools:\n"
                        "  [{\"image_id\": 42, \"caption\": \"...\"}] -> BLEU-1..4, ROUGE-L, CIDEr-D\n"
                        "  [{\"question_id\": 7, \"answer\": \"...\"}] -> VQA accuracy, per answer and question type\n"
                        "Ids are the dataset's own (COCO image id, VQA question id). Only the images or\n"
                        "questions that have a result are evaluated; a repeated id keeps its first result.\n"
                        "--run ID scores a stored run's predictions as the GUI's evaluation panel does (per\n"
                        "answer and question type, confusion matrix; --compare ID counts disagreements)."),
         declareEval, runEval},
        {QStringLiteral("check"), QStringLiteral("Check every image file again and update the flags."),
         QStringLiteral("Without --decode only headers and file ends are read (fast); with --decode\n"
                        "every image is decoded."),
         declareCheck, runCheck},
        {QStringLiteral("formats"), QStringLiteral("List the dataset formats (plugins) this build can read and write."),
         QString(), declareFormats, runFormats},
        {QStringLiteral("train"), QStringLiteral("Train a VQA, captioning or retrieval model on the project."),
         QStringLiteral("Trains on the train split with AdamW (warm-up, then cosine), scores the val split\n"
                        "after every epoch and writes the checkpoint after every epoch. Ctrl+C pauses at the\n"
                        "next step and keeps a checkpoint that --resume-run continues exactly. At the end the\n"
                        "checkpoint holds the weights of the epoch with the best validation metric (the last\n"
                        "epoch's stay beside it as NAME.last.ckpt). --init-from fine-tunes another model.\n"
                        "The run and the model are stored in the project. Needs the LibTorch backend plugin."),
         declareTrain, runTrain},
        {QStringLiteral("answer"), QStringLiteral("Answer the questions of a split with a trained VQA model."),
         QStringLiteral("Scores the answers with the official VQA accuracy; --save stores them as a run."),
         declareAnswer, runAnswer},
        {QStringLiteral("caption"), QStringLiteral("Caption the images of a split with a trained captioning model."),
         QStringLiteral("Beam search; scores BLEU, ROUGE-L and CIDEr-D against the project's captions.\n"
                        "--save stores each caption with the attention map of every word."),
         declareCaption, runCaption},
        {QStringLiteral("tag"), QStringLiteral("Tag the images of a split with a tagging model (a TorchScript manifest)."),
         QStringLiteral("Each image gets the tags whose probability reaches --threshold, likeliest first, at most\n"
                        "--max-tags; scored by precision, recall and F1 against the images' tags where they have\n"
                        "any. --save stores them as suggestions ('accept' or the window makes them tags)."),
         declareTag, runTag},
        {QStringLiteral("embed"), QStringLiteral("Embed the images (and captions) of a split with a trained model, as a run."),
         QStringLiteral("A retrieval model: one unit vector per image and per caption (--save names the run),\n"
                        "scored by recall@1/5/10 both ways: image -> text finds an image when one of its\n"
                        "captions ranks in the top K, text -> image finds a caption when its image does.\n"
                        "A VQA or caption model: its pooled image features, one unit vector per image.\n"
                        "'project' lays a run out in 2-D; 'similar' finds images alike."),
         declareEmbed, runEmbed},
        {QStringLiteral("retrieve"), QStringLiteral("Rank images for a text, or captions for an image, with a retrieval model."),
         QStringLiteral("--run ranks the vectors an 'embed' run stored (fast: no image is encoded again);\n"
                        "without it the split's images and captions are embedded first. Scores are cosines."),
         declareRetrieve, runRetrieve},
        {QStringLiteral("project"), QStringLiteral("Lay out an embed run's vectors (or a file's) in 2-D: PCA, t-SNE or UMAP."),
         QStringLiteral("--run N lays out the images and captions of an 'embed' run and stores the layout\n"
                        "with the run (the GUI's Embeddings panel opens it at once; one per run and method).\n"
                        "--input FILE lays out vectors made elsewhere: CSV (numbers, optionally after a\n"
                        "name column; a header row is skipped) or .npy (2-D float32/float64).\n"
                        "t-SNE is Barnes-Hut (perplexity, early exaggeration, PCA start); UMAP builds a\n"
                        "k-nearest-neighbour graph (HNSW above 20,000 points). Both are seeded.\n"
                        "--out writes kind,id,x,y (or row,name,x,y for --input)."),
         declareProject, runProject},
        {QStringLiteral("similar"), QStringLiteral("Images like one image, or near-duplicate pairs, from an embed run's vectors."),
         QStringLiteral("--image ranks the run's images by cosine similarity to that image (more like this);\n"
                        "--duplicates lists pairs of images at least --threshold alike, most alike first, to\n"
                        "clean a dataset. No model is loaded. Search by a sentence: 'retrieve --text --run'."),
         declareSimilar, runSimilar},
        {QStringLiteral("rank-uncertain"), QStringLiteral("The images a model was least sure about, to label first."),
         QStringLiteral("From a stored 'answer' or 'caption' run (--save): VQA by the margin between the two\n"
                        "likeliest answers of an image's least sure question (or --by entropy), captions by\n"
                        "the mean log-probability of their words. Only images nobody verified or rejected.\n"
                        "--diverse RUN (an embed run) keeps near-duplicates from filling the top. The grid's\n"
                        "sort \"Least sure first\" uses the same measure."),
         declareRankUncertain, runRankUncertain},
        {QStringLiteral("compare"), QStringLiteral("Train one VQA model per fusion method, same data and seed, and compare them."),
         QStringLiteral("--fusions film,concat,gmu trains each in turn with the training options given (as for\n"
                        "'train') and prints their best validation accuracy, epochs, loss, time and speed,\n"
                        "with what each fusion computes. The comparison is kept in the project under --name;\n"
                        "without --fusions the project's comparisons are listed (--show NAME: one)."),
         declareCompare, runCompare},
        {QStringLiteral("runs"), QStringLiteral("List the project's training runs: status, steps, best validation metric."),
         QStringLiteral("A run whose process was killed shows as interrupted; paused, interrupted and failed\n"
                        "runs continue with 'tandem-cli train PROJECT --resume-run ID'."),
         declareRuns, runRuns},
        {QStringLiteral("models"), QStringLiteral("List the project's models; add a checkpoint, rename, remove, choose the current one."),
         QStringLiteral("The current model (*) is the one the GUI's Models dock runs, asks and explains with."),
         declareModels, runModels},
        {QStringLiteral("ask"), QStringLiteral("Ask a VQA model a question about one image: its top answers."),
         QStringLiteral("Prints the k most likely answers with their probabilities, and the words of the\n"
                        "question that the model's vocabulary does not know."),
         declareAsk, runAsk},
        {QStringLiteral("explain"), QStringLiteral("Show where a model looks: attention or Grad-CAM over one image."),
         QStringLiteral("--question: the VQA answer (attention for mfb, cross_attention, relation; Grad-CAM for every fusion);\n"
                        "--caption: the captioner's attention map of every word; --text: Grad-CAM of the\n"
                        "retrieval score. --out writes the map over the image as PNG, --json the raw weights."),
         declareExplain, runExplain},
        {QStringLiteral("accept"), QStringLiteral("Accept a run's predictions as labels (captions, answers)."),
         QStringLiteral("Every open prediction of the run (at least --min-score) becomes a human label, in one\n"
                        "transaction: a caption of its image, or one more answer of its question."),
         declareAccept, runAccept},
        {QStringLiteral("pointing"), QStringLiteral("Score where a model looks: the pointing game over a split."),
         QStringLiteral("For each question of the split that names an object (default: the shape, left and top\n"
                        "questions), or each colour word of the captioner's captions, a hit when the map's largest\n"
                        "cell lies in that object's box (the project's regions). --baseline random scores\n"
                        "random maps; --randomize-weights the same model with its weights drawn afresh."),
         declarePointing, runPointing},
        {QStringLiteral("export-model"), QStringLiteral("Write a model as TorchScript with a manifest, for PyTorch or another Tandem."),
         QStringLiteral("Writes NAME.pt (TorchScript), NAME.json (its manifest), NAME.vocab.txt and NAME.answers.txt\n"
                        "into --out. Loaded back with --model NAME.json, or in Python with torch.jit.load, it gives\n"
                        "the checkpoint's outputs (the export checks it on random inputs before writing).\n"
                        "Every built-in model: VQA (every encoder and fusion), the captioner (greedy decoding, its\n"
                        "word maps) and retrieval dual encoders."),
         declareExportModel, runExportModel},
        {QStringLiteral("plugins"), QStringLiteral("List every plugin, why one cannot load; turn plugins on or off."),
         QStringLiteral("Lists the format and model-backend plugins of every plugin folder with their state:\n"
                        "available, disabled, incompatible (built for another interface version) or broken\n"
                        "(not a plugin, or its file does not load: the reason is shown). --disable KIND/ID\n"
                        "turns one off (format/csv, backend/torch) for the window and tandem-cli alike, from\n"
                        "the next start; --enable turns it on again."),
         declarePlugins, runPlugins},
        {QStringLiteral("version"), QStringLiteral("Show the versions of Tandem and its libraries."), QString(),
         declareVersion, runVersion},
    };
    return table;
}

} // namespace tandem::cli
