package courseimport.analysis;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.fr.FrenchLightStemFilter;
import org.apache.lucene.analysis.fr.FrenchMinimalStemFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.util.ElisionFilter;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.elasticsearch.index.analysis.AbstractTokenFilterFactory;
import org.elasticsearch.index.analysis.Analysis;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.index.analysis.NormalizingTokenFilterFactory;
import org.elasticsearch.index.analysis.PreBuiltAnalyzerProviderFactory;
import org.elasticsearch.index.analysis.PreConfiguredTokenFilter;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.indices.analysis.PreBuiltCacheFactory.CachingStrategy;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;
import org.tartarus.snowball.ext.FrenchStemmer;

/**
 * The few parts of Elasticsearch's analysis-common module that course-import's index uses, for the
 * integ-test-zip distribution, which does not ship that module (see infra/es-analysis-plugin/README.md).
 *
 * <p>Every component has Elasticsearch's name, parameters and defaults, and builds the same Lucene
 * classes as analysis-common does, so an index mapping behaves the same here and on a full cluster.
 * As in Elasticsearch, each name works two ways: used bare ("analyzer": "french", "filter":
 * ["asciifolding"]) it is a shared pre-built instance with the defaults; given a definition in the
 * index settings ({"type": "edge_ngram", "min_gram": 2}) it is built from that definition.
 */
public class CourseImportAnalysisPlugin extends Plugin implements AnalysisPlugin {

  // ---- analyzers: french, english (params stopwords, stopwords_path, stem_exclusion) ----

  @Override
  public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
    Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> analyzers = new TreeMap<>();
    analyzers.put("french", (indexSettings, env, name, settings) -> provider(name, settings,
        new FrenchAnalyzer(
            Analysis.parseStopWords(env, settings, FrenchAnalyzer.getDefaultStopSet()),
            Analysis.parseStemExclusion(settings, CharArraySet.EMPTY_SET))));
    analyzers.put("english", (indexSettings, env, name, settings) -> provider(name, settings,
        new EnglishAnalyzer(
            Analysis.parseStopWords(env, settings, EnglishAnalyzer.getDefaultStopSet()),
            Analysis.parseStemExclusion(settings, CharArraySet.EMPTY_SET))));
    return analyzers;
  }

  @Override
  public List<PreBuiltAnalyzerProviderFactory> getPreBuiltAnalyzerProviderFactories() {
    return List.of(
        new PreBuiltAnalyzerProviderFactory("french", CachingStrategy.LUCENE, FrenchAnalyzer::new),
        new PreBuiltAnalyzerProviderFactory("english", CachingStrategy.LUCENE, EnglishAnalyzer::new));
  }

  private static <A extends Analyzer> AnalyzerProvider<A> provider(String name, Settings settings, A analyzer) {
    return new AbstractIndexAnalyzerProvider<A>(name, settings) {
      @Override
      public A get() {
        return analyzer;
      }
    };
  }

  // ---- token filters: asciifolding, elision, edge_ngram, stemmer ----

  @Override
  public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
    Map<String, AnalysisProvider<TokenFilterFactory>> filters = new TreeMap<>();
    filters.put("asciifolding", AsciiFolding::new);
    filters.put("edge_ngram", EdgeNGram::new);
    // a definition of type elision needs articles; the bare name "elision" is the pre-built one below
    filters.put("elision", AnalysisPlugin.requiresAnalysisSettings(Elision::new));
    filters.put("stemmer", Stemmer::new);
    return filters;
  }

  @Override
  public List<PreConfiguredTokenFilter> getPreConfiguredTokenFilters() {
    return List.of(
        PreConfiguredTokenFilter.singleton("asciifolding", true, ASCIIFoldingFilter::new),
        PreConfiguredTokenFilter.singleton("edge_ngram", false, false, in -> new EdgeNGramTokenFilter(in, 1)),
        PreConfiguredTokenFilter.singleton("elision", true, in -> new ElisionFilter(in, FrenchAnalyzer.DEFAULT_ARTICLES)),
        PreConfiguredTokenFilter.singleton("stemmer", false, PorterStemFilter::new));
  }

  /** asciifolding: preserve_original (default false). Usable in normalizers. */
  static final class AsciiFolding extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
    private final boolean preserveOriginal;

    AsciiFolding(IndexSettings indexSettings, Environment env, String name, Settings settings) {
      super(name, settings);
      preserveOriginal = settings.getAsBoolean("preserve_original", false);
    }

    @Override
    public TokenStream create(TokenStream in) {
      return new ASCIIFoldingFilter(in, preserveOriginal);
    }

    @Override
    public TokenStream normalize(TokenStream in) {
      return new ASCIIFoldingFilter(in, false); // a normalizer must produce exactly one token
    }
  }

  /** elision: articles or articles_path (one is required), articles_case (default false). */
  static final class Elision extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
    private final CharArraySet articles;

    Elision(IndexSettings indexSettings, Environment env, String name, Settings settings) {
      super(name, settings);
      articles = Analysis.parseArticles(env, settings);
      if (articles == null) {
        throw new IllegalArgumentException("elision filter requires [articles] or [articles_path] setting");
      }
    }

    @Override
    public TokenStream create(TokenStream in) {
      return new ElisionFilter(in, articles);
    }
  }

  /** edge_ngram: min_gram (default 1), max_gram (default 2), preserve_original (default false). */
  static final class EdgeNGram extends AbstractTokenFilterFactory {
    private final int minGram;
    private final int maxGram;
    private final boolean preserveOriginal;

    EdgeNGram(IndexSettings indexSettings, Environment env, String name, Settings settings) {
      super(name, settings);
      minGram = settings.getAsInt("min_gram", 1);
      maxGram = settings.getAsInt("max_gram", 2);
      preserveOriginal = settings.getAsBoolean("preserve_original", false);
      if (settings.get("side") != null) {
        throw new IllegalArgumentException("edge_ngram [side] (deprecated in Elasticsearch) is not supported by the "
            + "course-import analysis plugin: put a [reverse] filter before and after instead");
      }
    }

    @Override
    public TokenStream create(TokenStream in) {
      return new EdgeNGramTokenFilter(in, minGram, maxGram, preserveOriginal);
    }

    @Override
    public boolean breaksFastVectorHighlighter() {
      return true;
    }
  }

  /** stemmer: language (or its alias name; default porter), a subset of Elasticsearch's languages. */
  static final class Stemmer extends AbstractTokenFilterFactory {
    private static final Map<String, Function<TokenStream, TokenStream>> LANGUAGES = Map.of(
        "porter", PorterStemFilter::new,
        "english", PorterStemFilter::new,
        "light_english", KStemFilter::new,
        "kstem", KStemFilter::new,
        "minimal_english", EnglishMinimalStemFilter::new,
        "possessive_english", EnglishPossessiveFilter::new,
        "french", in -> new SnowballFilter(in, new FrenchStemmer()),
        "light_french", FrenchLightStemFilter::new,
        "minimal_french", FrenchMinimalStemFilter::new);

    private final Function<TokenStream, TokenStream> stemmer;

    Stemmer(IndexSettings indexSettings, Environment env, String name, Settings settings) {
      super(name, settings);
      String language = settings.get("language", settings.get("name", "porter"));
      stemmer = LANGUAGES.get(language.toLowerCase(Locale.ROOT));
      if (stemmer == null) {
        throw new IllegalArgumentException("stemmer language [" + language + "] is not supported by the "
            + "course-import analysis plugin (it has " + new TreeMap<>(LANGUAGES).keySet()
            + "); add it to infra/es-analysis-plugin");
      }
    }

    @Override
    public TokenStream create(TokenStream in) {
      return stemmer.apply(in);
    }
  }
}
